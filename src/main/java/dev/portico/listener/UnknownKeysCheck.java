package dev.portico.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Stops start-up on a key under {@code portico.*} that nothing in Portico reads, such as
 * {@code portico.drain-timout}, naming the key, where it is set and the keys that exist.
 * Spring Boot's {@code ignoreUnknownFields = false} cannot say this when several property
 * records share the {@code portico} prefix (each would refuse the others' keys), so the
 * known keys are read from the configuration metadata that Boot's annotation processor
 * generates for every {@code @ConfigurationProperties} type
 * ({@code META-INF/spring-configuration-metadata.json}): a module that adds properties is
 * known as soon as it is compiled. Listener keys, {@code portico.listeners.<name>.*},
 * depend on the listener's type and are checked by {@link ListenerDefinitions}.
 *
 * <p>
 * Environment variables and JVM system properties are not checked, as Boot's own check
 * leaves them out: a Kubernetes Service named {@code portico} puts
 * {@code PORTICO_SERVICE_HOST}, {@code PORTICO_PORT} and friends into every pod's
 * environment, scripts set {@code PORTICO_*} variables of their own, and tools pass
 * {@code -Dportico.*} properties meant for themselves (the soak test's duration).
 * Configuration files, arguments, {@code SPRING_APPLICATION_JSON} and test properties are
 * checked.
 */
class UnknownKeysCheck implements EnvironmentPostProcessor, Ordered {

	/** Where Boot's configuration processor writes the metadata, in every jar. */
	static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final ConfigurationPropertyName PORTICO = ConfigurationPropertyName.of("portico");

	private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of(ListenerDefinitions.PREFIX);

	private final Log logger;

	UnknownKeysCheck(DeferredLogFactory logs) {
		this.logger = logs.getLog(UnknownKeysCheck.class);
	}

	@Override
	public int getOrder() {
		// after every source of configuration is in place (config files, JSON, profiles)
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		KnownKeys known = KnownKeys.load(classLoader(application));
		if (known.isEmpty()) {
			this.logger.warn("No " + METADATA + " with portico.* keys on the class path: unknown portico.* keys"
					+ " are not checked. Build with spring-boot-configuration-processor.");
			return;
		}
		check(environment, known);
	}

	/**
	 * Throws on the first key under {@code portico.*} (outside the listeners) that is not
	 * known.
	 * @throws InvalidDefinitionException naming the key, where it is set and the valid
	 * keys
	 */
	static void check(ConfigurableEnvironment environment, KnownKeys known) {
		for (PropertySource<?> propertySource : environment.getPropertySources()) {
			if (!isChecked(propertySource)) {
				continue;
			}
			ConfigurationPropertySource source = ConfigurationPropertySource.from(propertySource);
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream()
				.filter((name) -> PORTICO.isAncestorOf(name) && !LISTENERS.equals(name) && !LISTENERS.isAncestorOf(name)
						&& !known.accepts(name))
				.findFirst()
				.ifPresent((name) -> {
					throw unknown(name, iterable.getConfigurationProperty(name), known);
				});
		}
	}

	private static boolean isChecked(PropertySource<?> source) {
		return !(source instanceof SystemEnvironmentPropertySource)
				&& !StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName())
				&& !StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(source.getName())
				&& !"configurationProperties".equals(source.getName());
	}

	private static InvalidDefinitionException unknown(ConfigurationPropertyName name, ConfigurationProperty property,
			KnownKeys known) {
		String key = asWritten(name);
		String where = (property != null && property.getOrigin() != null) ? " (set in " + property.getOrigin() + ")"
				: "";
		String suggestion = known.closest(name);
		String reason = "unknown key" + where + ": nothing in Portico reads it. "
				+ ((suggestion != null) ? "Did you mean " + suggestion + "? " : "") + "Valid keys: "
				+ String.join(", ", known.near(name));
		// the value is left out: a misspelt password key would otherwise be printed
		return new InvalidDefinitionException(key, "(not shown)", reason);
	}

	/** The key in the form the user wrote it (camel case, dashes or indexes kept). */
	static String asWritten(ConfigurationPropertyName name) {
		StringBuilder key = new StringBuilder();
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			String element = name.getElement(i, Form.ORIGINAL);
			if (name.isNumericIndex(i)) {
				key.append('[').append(element).append(']');
			}
			else {
				key.append((i > 0) ? "." : "").append(element);
			}
		}
		return key.toString();
	}

	private static ClassLoader classLoader(SpringApplication application) {
		ClassLoader loader = (application != null) ? application.getClassLoader() : null;
		return (loader != null) ? loader : ClassUtils.getDefaultClassLoader();
	}

	/** The {@code portico.*} keys the configuration metadata lists, with their types. */
	static final class KnownKeys {

		private final Map<ConfigurationPropertyName, String> types = new LinkedHashMap<>();

		private final ClassLoader classLoader;

		KnownKeys(Map<String, String> types, ClassLoader classLoader) {
			types.forEach((name, type) -> this.types.put(ConfigurationPropertyName.of(name), type));
			this.classLoader = classLoader;
		}

		/** Every {@code portico.*} key in the metadata of every jar on the class path. */
		static KnownKeys load(ClassLoader classLoader) {
			Map<String, String> types = new LinkedHashMap<>();
			JsonMapper mapper = JsonMapper.builder().build();
			try {
				Enumeration<URL> resources = classLoader.getResources(METADATA);
				while (resources.hasMoreElements()) {
					try (InputStream in = resources.nextElement().openStream()) {
						read(mapper.readTree(in), types);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read " + METADATA, ex);
			}
			return new KnownKeys(types, classLoader);
		}

		static void read(JsonNode metadata, Map<String, String> types) {
			for (JsonNode property : metadata.path("properties")) {
				String name = property.path("name").asString("");
				if (name.startsWith("portico.")) {
					types.put(name, property.path("type").asString("java.lang.String"));
				}
			}
		}

		boolean isEmpty() {
			return this.types.isEmpty();
		}

		/**
		 * Whether a key is one of the known ones, or lies under a known key whose value
		 * is a map, a list or an object of its own.
		 */
		boolean accepts(ConfigurationPropertyName name) {
			for (Map.Entry<ConfigurationPropertyName, String> known : this.types.entrySet()) {
				if (known.getKey().equals(name)
						|| (known.getKey().isAncestorOf(name) && hasKeysBelow(known.getValue()))) {
					return true;
				}
			}
			return false;
		}

		private boolean hasKeysBelow(String type) {
			if (type.startsWith("java.util.Map") || type.startsWith("java.util.List")
					|| type.startsWith("java.util.Set") || type.startsWith("java.util.Collection")
					|| type.endsWith("[]")) {
				return true;
			}
			if (type.startsWith("java.") || type.startsWith("org.springframework.util.unit.")) {
				return false;
			}
			try {
				return !ClassUtils.forName(type, this.classLoader).isEnum();
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return true;
			}
		}

		/** The known keys next to an unknown one (its group's), or all of them. */
		List<String> near(ConfigurationPropertyName name) {
			ConfigurationPropertyName parent = name.getParent();
			while (!parent.isEmpty() && !PORTICO.equals(parent)) {
				ConfigurationPropertyName group = parent;
				List<String> siblings = keys().stream()
					.filter((key) -> group.isAncestorOf(key))
					.map(Object::toString)
					.toList();
				if (!siblings.isEmpty()) {
					return siblings;
				}
				parent = parent.getParent();
			}
			List<String> all = new ArrayList<>(keys().stream().map(Object::toString).toList());
			all.add(ListenerDefinitions.PREFIX + ".<name>.*");
			return all.stream().sorted().toList();
		}

		/** The known key a typo most likely meant, or null when none is close. */
		String closest(ConfigurationPropertyName name) {
			String written = name.toString();
			String best = null;
			int bestDistance = Integer.MAX_VALUE;
			for (ConfigurationPropertyName key : keys()) {
				int distance = distance(written, key.toString());
				if (distance < bestDistance) {
					best = key.toString();
					bestDistance = distance;
				}
			}
			return (bestDistance <= Math.max(2, written.length() / 6)) ? best : null;
		}

		private Collection<ConfigurationPropertyName> keys() {
			return new TreeSet<>(this.types.keySet());
		}

		/** Levenshtein distance: edits that turn one key into the other. */
		static int distance(String a, String b) {
			int[] previous = new int[b.length() + 1];
			int[] current = new int[b.length() + 1];
			for (int j = 0; j <= b.length(); j++) {
				previous[j] = j;
			}
			for (int i = 1; i <= a.length(); i++) {
				current[0] = i;
				for (int j = 1; j <= b.length(); j++) {
					int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
					current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
				}
				int[] swap = previous;
				previous = current;
				current = swap;
			}
			return previous[b.length()];
		}

	}

}
