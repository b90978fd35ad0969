package dev.portico.listener;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.util.unit.DataSize;

/**
 * Turns keys into {@link ListenerDefinition}s with Spring Boot's {@link Binder}, the same
 * way for {@code portico.listeners.<name>.*} in configuration and for the body of
 * {@code POST /api/listeners}: the common keys ({@link CommonKeys}) and the type's own
 * option records are bound with Boot's conversions ({@code 30s}, {@code 1MB},
 * {@code ack}) and their constraints checked; a key that neither knows is refused with
 * the list of valid ones.
 */
public final class ListenerDefinitions {

	/** Names are path segments and meter tags: keep them plain. */
	public static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");

	/** Where configured listeners live. */
	public static final String PREFIX = "portico.listeners";

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);

	private static final ConfigurationPropertyName REQUEST = ConfigurationPropertyName.of("listener");

	private static final Set<String> ADDRESS_KEYS = Set.of("type", "port", "bind");

	private final Map<String, ListenerType> types = new LinkedHashMap<>();

	private final Validator validator;

	public ListenerDefinitions(Collection<? extends ListenerType> types, Validator validator) {
		types.forEach((type) -> this.types.put(type.id(), type));
		this.validator = validator;
	}

	/** The available types, by id. */
	public Map<String, ListenerType> types() {
		return this.types;
	}

	/**
	 * The names of the listeners configured under {@code portico.listeners}, as written,
	 * in alphabetical order (property sources do not all keep the order keys were written
	 * in).
	 */
	public Set<String> configuredNames(Iterable<ConfigurationPropertySource> sources) {
		Set<String> names = new TreeSet<>();
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> ROOT.isAncestorOf(name))
					.forEach((name) -> names.add(name.getElement(ROOT.getNumberOfElements(), Form.ORIGINAL)));
			}
		}
		return names;
	}

	/**
	 * The definition of a configured listener.
	 * @throws InvalidDefinitionException naming the key at fault
	 */
	public ListenerDefinition fromConfiguration(String name, Iterable<ConfigurationPropertySource> sources,
			PlaceholdersResolver placeholders) {
		if (!NAME.matcher(name).matches()) {
			throw new InvalidDefinitionException(PREFIX + "." + name, name,
					"a listener name is 1 to 40 lower-case letters, digits and dashes", null);
		}
		return bind(name, ROOT.append(name), sources, placeholders, false);
	}

	/**
	 * The definition an API request asks for.
	 * @param name the listener's name
	 * @param keys every key of the request (type, port, bind and the options), camel or
	 * kebab case
	 * @throws InvalidDefinitionException with a message fit for the client
	 */
	public ListenerDefinition fromRequest(String name, Map<String, ?> keys) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new InvalidDefinitionException("name", name, "", "Invalid name '" + InputText.quote(name)
					+ "': use 1 to 40 lower-case letters, digits and dashes, e.g. \"echo-2\"");
		}
		Map<String, Object> source = new LinkedHashMap<>();
		keys.forEach((key, value) -> {
			if (value instanceof Map || value instanceof Iterable) {
				throw new InvalidDefinitionException(kebab(key), value, "",
						"Option '" + InputText.quote(key) + "' must be a single value");
			}
			if (value != null) {
				source.put(REQUEST + "." + kebab(key), value.toString());
			}
		});
		return bind(name, REQUEST, List.of(new MapConfigurationPropertySource(source)), null, true);
	}

	private ListenerDefinition bind(String name, ConfigurationPropertyName prefix,
			Iterable<ConfigurationPropertySource> sources, PlaceholdersResolver placeholders, boolean request) {
		Keys keys = new Keys(prefix, request);
		ListenerType type = type(new Binder(sources, placeholders, ApplicationConversionService.getSharedInstance())
			.bind(prefix.append("type"), Bindable.of(String.class))
			.orElse(null), keys);
		Map<String, Class<?>> known = knownKeys(type);
		checkNoUnknownKeys(sources, prefix, known, keys);
		List<ConfigurationPropertySource> withDefaults = new ArrayList<>();
		sources.forEach(withDefaults::add);
		Map<String, String> defaults = new LinkedHashMap<>();
		type.defaults().forEach((key, value) -> defaults.put(prefix + "." + key, value));
		withDefaults.add(new MapConfigurationPropertySource(defaults));
		Binder binder = new Binder(withDefaults, placeholders, ApplicationConversionService.getSharedInstance());
		CommonKeys common = bindRecord(binder, prefix, CommonKeys.class, known, keys);
		Map<Class<?>, Object> options = new LinkedHashMap<>();
		for (Class<? extends Record> optionType : type.optionTypes()) {
			options.put(optionType, bindRecord(binder, prefix, optionType, known, keys));
		}
		int port = (common.port() != null) ? common.port() : type.defaultPort();
		ListenerDefinition definition = new ListenerDefinition(name, type, port, common.bind(), common.autostart(),
				common.inboundChannel(), common.outboundChannel(), options);
		String problem = type.check(definition);
		if (problem != null) {
			int colon = problem.indexOf(':');
			String key = problem.substring(0, colon).trim();
			throw keys.invalid(key, null, problem.substring(colon + 1).trim());
		}
		return definition;
	}

	private ListenerType type(String id, Keys keys) {
		String valid = String.join(", ", this.types.keySet());
		if (id == null) {
			throw keys.invalid("type", null, "a listener needs a type: use one of " + valid);
		}
		ListenerType type = this.types.get(id.toLowerCase(Locale.ROOT));
		if (type == null) {
			if (keys.request) {
				throw new InvalidDefinitionException("type", id, "",
						"Unknown listener type '" + InputText.quote(id) + "': use one of " + valid);
			}
			throw keys.invalid("type", id, "unknown listener type: use one of " + valid);
		}
		return type;
	}

	/**
	 * The keys a listener of this type takes besides {@code type}, {@code port} and
	 * {@code bind} (the options of an API request), kebab case, sorted.
	 */
	public Set<String> optionKeys(ListenerType type) {
		return knownKeys(type).keySet()
			.stream()
			.filter((key) -> !ADDRESS_KEYS.contains(key))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/** Every key the type accepts, kebab case, with the type of its value. */
	private static Map<String, Class<?>> knownKeys(ListenerType type) {
		Map<String, Class<?>> known = new TreeMap<>();
		List<Class<?>> records = new ArrayList<>();
		records.add(CommonKeys.class);
		records.addAll(type.optionTypes());
		for (Class<?> record : records) {
			for (RecordComponent component : record.getRecordComponents()) {
				known.put(kebab(component.getName()), component.getType());
			}
		}
		return known;
	}

	private static void checkNoUnknownKeys(Iterable<ConfigurationPropertySource> sources,
			ConfigurationPropertyName prefix, Map<String, Class<?>> known, Keys keys) {
		Set<String> uniform = known.keySet().stream().map((key) -> key.replace("-", "")).collect(Collectors.toSet());
		for (ConfigurationPropertySource source : sources) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			for (ConfigurationPropertyName name : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
				if (!prefix.isAncestorOf(name)) {
					continue;
				}
				String key = name.getElement(prefix.getNumberOfElements(), Form.UNIFORM);
				if (!uniform.contains(key)) {
					String written = name.getElement(prefix.getNumberOfElements(), Form.ORIGINAL);
					ConfigurationProperty property = source.getConfigurationProperty(name);
					throw keys.unknown(written, (property != null) ? property.getValue() : null,
							known.keySet()
								.stream()
								.filter((k) -> !keys.request || !ADDRESS_KEYS.contains(k))
								.collect(Collectors.joining(", ")));
				}
			}
		}
	}

	private <T> T bindRecord(Binder binder, ConfigurationPropertyName prefix, Class<T> record,
			Map<String, Class<?>> known, Keys keys) {
		T value;
		try {
			value = binder.bindOrCreate(prefix, Bindable.of(record), BindHandler.DEFAULT);
		}
		catch (BindException ex) {
			ConfigurationProperty property = ex.getProperty();
			if (property == null) {
				throw keys.invalid("", null, ex.getMessage());
			}
			String key = property.getName().getElement(prefix.getNumberOfElements(), Form.DASHED);
			throw keys.invalid(key, property.getValue(), hint(known.get(key)));
		}
		ConstraintViolation<T> violation = this.validator.validate(value)
			.stream()
			.min(Comparator.comparing((v) -> v.getPropertyPath().toString()))
			.orElse(null);
		if (violation != null) {
			throw keys.invalid(kebab(violation.getPropertyPath().toString()), violation.getInvalidValue(),
					violation.getMessage());
		}
		return value;
	}

	/**
	 * What to write instead of a value that could not be converted, by the key's type.
	 */
	static String hint(Class<?> type) {
		if (type == null) {
			return "not a valid value";
		}
		if (Duration.class.equals(type)) {
			return "use a duration such as \"30s\" or \"5m\"";
		}
		if (DataSize.class.equals(type)) {
			return "use a size such as \"64KB\" or \"1MB\"";
		}
		if (type.isEnum()) {
			List<String> values = Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.toList();
			return "use " + String.join(", ", values.subList(0, values.size() - 1)) + " or "
					+ values.get(values.size() - 1);
		}
		if (Boolean.class.equals(type) || boolean.class.equals(type)) {
			return "use true or false";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
			return "use a whole number";
		}
		return "not a valid value";
	}

	/**
	 * {@code maxQueuedBytes}, {@code max_queued_bytes} and {@code max-queued-bytes} all
	 * give the last.
	 */
	public static String kebab(String key) {
		StringBuilder out = new StringBuilder(key.length() + 4);
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (Character.isUpperCase(c)) {
				if (i > 0 && key.charAt(i - 1) != '-' && key.charAt(i - 1) != '_') {
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

	/** Builds the problems of one definition, for configuration or for the API. */
	private record Keys(ConfigurationPropertyName prefix, boolean request) {

		InvalidDefinitionException invalid(String key, Object value, String reason) {
			String configurationKey = key.isEmpty() ? this.prefix.toString() : this.prefix + "." + key;
			String detail;
			if (key.equals("port")) {
				detail = "Invalid port " + InputText.quote(value) + ": use 0 to 65535 (0 binds any free port)";
			}
			else {
				detail = "Invalid value '" + InputText.quote(value) + "' for '" + key + "': " + reason;
			}
			return new InvalidDefinitionException(configurationKey, value, reason, detail);
		}

		InvalidDefinitionException unknown(String key, Object value, String valid) {
			String configurationKey = this.prefix + "." + key;
			return new InvalidDefinitionException(configurationKey, value, "unknown key: use one of " + valid,
					"Unknown option '" + InputText.quote(key) + "': use one of " + valid);
		}

	}

}
