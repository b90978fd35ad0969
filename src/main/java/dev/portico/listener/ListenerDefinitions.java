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
		flatten(REQUEST.toString(), "", keys, source);
		return bind(name, REQUEST, List.of(new MapConfigurationPropertySource(source)), null, true);
	}

	/**
	 * A request's keys as configuration writes them: an object gives dotted keys
	 * ({@code "ssl": {"bundle": "b"}} is {@code ssl.bundle}), a list of single values a
	 * comma-separated one.
	 */
	private static void flatten(String prefix, String path, Map<?, ?> keys, Map<String, Object> source) {
		keys.forEach((key, value) -> {
			String name = path + kebab(String.valueOf(key));
			if (value instanceof Map<?, ?> nested) {
				if (!path.isEmpty()) {
					throw new InvalidDefinitionException(name, value, "",
							"Option '" + InputText.quote(name) + "' must be a single value");
				}
				flatten(prefix, name + ".", nested, source);
			}
			else if (value instanceof Iterable<?> values) {
				List<String> items = new ArrayList<>();
				for (Object item : values) {
					if (item instanceof Map || item instanceof Iterable) {
						throw new InvalidDefinitionException(name, value, "",
								"Option '" + InputText.quote(name) + "' must be a single value or a list of them");
					}
					items.add(String.valueOf(item));
				}
				source.put(prefix + "." + name, String.join(",", items));
			}
			else if (value != null) {
				source.put(prefix + "." + name, value.toString());
			}
		});
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
			throw keys.invalid(key, valueOf(binder, prefix, key), problem.substring(colon + 1).trim());
		}
		return definition;
	}

	/** The value written for {@code key}, as text, or null. */
	private static Object valueOf(Binder binder, ConfigurationPropertyName prefix, String key) {
		try {
			return binder.bind(prefix.append(key), Bindable.of(String.class)).orElse(null);
		}
		catch (RuntimeException ex) {
			return null;
		}
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

	/**
	 * Every key the type accepts, kebab case, with the type of its value. A component
	 * that is itself a record is a group of keys: {@code ssl} gives {@code ssl.bundle}
	 * and so on.
	 */
	private static Map<String, Class<?>> knownKeys(ListenerType type) {
		Map<String, Class<?>> known = new TreeMap<>();
		List<Class<?>> records = new ArrayList<>();
		records.add(CommonKeys.class);
		records.addAll(type.optionTypes());
		for (Class<?> record : records) {
			for (RecordComponent component : record.getRecordComponents()) {
				if (component.getType().isRecord()) {
					for (RecordComponent nested : component.getType().getRecordComponents()) {
						known.put(kebab(component.getName()) + "." + kebab(nested.getName()), nested.getType());
					}
				}
				else {
					known.put(kebab(component.getName()), component.getType());
				}
			}
		}
		return known;
	}

	/**
	 * The key {@code name} sets below {@code prefix}, in {@code form}: its first element,
	 * or its first two when the first names a group of keys ({@code ssl.bundle}); list
	 * indexes are left out.
	 */
	private static String key(ConfigurationPropertyName name, ConfigurationPropertyName prefix, Set<String> groups,
			Form form) {
		int first = prefix.getNumberOfElements();
		String key = name.getElement(first, form);
		if (name.getNumberOfElements() > first + 1 && !name.isNumericIndex(first + 1)
				&& groups.contains(name.getElement(first, Form.UNIFORM))) {
			key = key + "." + name.getElement(first + 1, form);
		}
		return key;
	}

	/** The groups of keys among known keys, in uniform form ({@code ssl}). */
	private static Set<String> groups(Map<String, Class<?>> known) {
		return known.keySet()
			.stream()
			.filter((key) -> key.indexOf('.') > 0)
			.map((key) -> key.substring(0, key.indexOf('.')).replace("-", ""))
			.collect(Collectors.toSet());
	}

	private static void checkNoUnknownKeys(Iterable<ConfigurationPropertySource> sources,
			ConfigurationPropertyName prefix, Map<String, Class<?>> known, Keys keys) {
		Set<String> uniform = known.keySet().stream().map((key) -> key.replace("-", "")).collect(Collectors.toSet());
		Set<String> groups = groups(known);
		for (ConfigurationPropertySource source : sources) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			for (ConfigurationPropertyName name : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
				if (!prefix.isAncestorOf(name)) {
					continue;
				}
				String key = key(name, prefix, groups, Form.UNIFORM);
				int depth = prefix.getNumberOfElements() + (key.contains(".") ? 2 : 1);
				boolean deeper = name.getNumberOfElements() > depth && !name.isNumericIndex(depth);
				if (!uniform.contains(key) || deeper) {
					String written = deeper ? name.subName(prefix.getNumberOfElements()).toString()
							: key(name, prefix, groups, Form.ORIGINAL);
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
			String key = key(property.getName(), prefix, groups(known), Form.DASHED);
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
			else if (value == null) {
				detail = "Invalid '" + key + "': " + reason;
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
