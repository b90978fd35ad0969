package dev.portico.api;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerType;

/**
 * Turns a {@link ListenerRequest} into {@link ListenerProperties} with the same binder, and so
 * the same conversions ({@code 30s}, {@code 1MB}, {@code ack}), as {@code portico.listeners.*}
 * in configuration. Range checks are the registry's, so both paths validate alike.
 */
final class ListenerDefinitions {

	private static final String PREFIX = "listener";

	/** Option keys, kebab-case, from the definition's record components. */
	private static final Set<String> OPTIONS = Arrays.stream(ListenerProperties.class.getRecordComponents())
		.map(RecordComponent::getName)
		.map(ListenerDefinitions::kebab)
		.collect(Collectors.toCollection(TreeSet::new));

	private static final String TYPES = Arrays.stream(ListenerType.values())
		.map(ListenerType::id)
		.collect(Collectors.joining(", "));

	private ListenerDefinitions() {
	}

	/**
	 * The definition the request asks for.
	 * @throws ApiException 400 naming the first thing wrong
	 */
	static ListenerProperties toProperties(ListenerRequest request) {
		if (request.name() == null || !ListenerRegistry.NAME.matcher(request.name()).matches()) {
			throw ApiException.badRequest("Invalid name '" + request.name()
					+ "': use 1 to 40 lower-case letters, digits and dashes, e.g. \"echo-2\"");
		}
		if (request.type() == null || Arrays.stream(ListenerType.values())
			.noneMatch((type) -> type.id().equals(request.type().toLowerCase(Locale.ROOT)))) {
			throw ApiException.badRequest("Unknown listener type '" + request.type() + "': use one of " + TYPES);
		}
		if (request.port() != null && (request.port() < 0 || request.port() > 65535)) {
			throw ApiException.badRequest("Invalid port " + request.port()
					+ ": use 0 to 65535 (0 binds any free port)");
		}
		Map<String, Object> source = new LinkedHashMap<>();
		if (request.options() != null) {
			for (Map.Entry<String, Object> option : request.options().entrySet()) {
				String key = kebab(option.getKey());
				if (!OPTIONS.contains(key) || key.equals("type") || key.equals("port") || key.equals("bind")) {
					throw ApiException.badRequest("Unknown option '" + option.getKey() + "': use one of "
							+ OPTIONS.stream().filter((o) -> !Set.of("type", "port", "bind").contains(o))
								.collect(Collectors.joining(", ")));
				}
				Object value = option.getValue();
				if (value instanceof Map || value instanceof Iterable) {
					throw ApiException.badRequest("Option '" + option.getKey() + "' must be a single value");
				}
				if (value != null) {
					source.put(PREFIX + "." + key, value.toString());
				}
			}
		}
		source.put(PREFIX + ".type", request.type());
		if (request.port() != null) {
			source.put(PREFIX + ".port", request.port().toString());
		}
		if (request.bind() != null) {
			source.put(PREFIX + ".bind", request.bind());
		}
		try {
			return new Binder(new MapConfigurationPropertySource(source))
				.bind(PREFIX, Bindable.of(ListenerProperties.class))
				.get();
		}
		catch (BindException ex) {
			ConfigurationProperty property = ex.getProperty();
			if (property == null) {
				throw ApiException.badRequest("Invalid listener definition: " + ex.getMessage());
			}
			String key = property.getName().toString().substring(PREFIX.length() + 1);
			throw ApiException.badRequest("Invalid value '" + property.getValue() + "' for '" + key + "'"
					+ hint(key));
		}
	}

	private static String hint(String key) {
		return switch (key) {
			case "idle-timeout", "write-timeout", "frame-timeout" -> ": use a duration such as \"30s\" or \"5m\"";
			case "max-message-size", "max-queued-bytes" -> ": use a size such as \"64KB\" or \"1MB\"";
			case "reply" -> ": use echo, ack or none";
			case "autostart", "keep-alive" -> ": use true or false";
			default -> ": use a whole number";
		};
	}

	/** {@code maxQueuedBytes} and {@code max-queued-bytes} both give {@code max-queued-bytes}. */
	static String kebab(String key) {
		StringBuilder out = new StringBuilder(key.length() + 4);
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isUpperCase(c)) {
				if (i > 0) {
					out.append('-');
				}
				out.append(Character.toLowerCase(c));
			}
			else {
				out.append((c == '_') ? '-' : c);
			}
		}
		return out.toString();
	}

}
