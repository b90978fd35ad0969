package dev.portico.listener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

import dev.portico.PorticoApplication;
import dev.portico.listener.UnknownKeysCheck.KnownKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Unknown keys under {@code portico.*} stop start-up with the key, where it is set and
 * the valid keys, which come from the configuration metadata every
 * {@code @ConfigurationProperties} type generates.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownKeysCheckTests {

	private static final KnownKeys KNOWN = KnownKeys.load(ClassUtils.getDefaultClassLoader());

	@Test
	void shouldKnowEveryPorticoKeyOfTheGeneratedMetadata() {
		assertThat(KNOWN.isEmpty()).isFalse();
		for (String key : new String[] { "portico.drain-timeout", "portico.api.password", "portico.api.open-reads",
				"portico.search.data-dir", "portico.max-buffered-bytes", "portico.platform-threads" }) {
			assertThatNoException().as(key).isThrownBy(() -> check(Map.of(key, "x")));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "portico.api.openReads", "portico.api.open_reads", "portico.drainTimeout",
			"portico.search.index-file", "portico.listeners.echo.port", "portico.listeners.echo.anything-at-all",
			"portico.listeners", "spring.application.name", "porticox.anything" })
	void shouldAcceptKeysInAnyRelaxedFormAndLeaveListenerKeysToTheListenerCheck(String key) {
		assertThatNoException().isThrownBy(() -> check(Map.of(key, "x")));
	}

	@Test
	void shouldNameTheKeySuggestTheClosestAndListTheValidOnesWhenAKeyIsMisspelt() {
		InvalidDefinitionException failure = failure(Map.of("portico.drain-timout", "5s"));
		assertThat(failure.configurationKey()).isEqualTo("portico.drain-timout");
		assertThat(failure.reason()).contains("unknown key", "property source \"test\"",
				"Did you mean portico.drain-timeout?", "portico.api.password", "portico.search.data-dir",
				"portico.listeners.<name>.*");
		assertThat(failure(Map.of("portico.drainTimout", "5s")).configurationKey()).as("as written")
			.isEqualTo("portico.drainTimout");
	}

	@Test
	void shouldListTheKeysOfTheGroupAndNeverTheValueWhenAKeyOfAGroupIsMisspelt() {
		InvalidDefinitionException failure = failure(Map.of("portico.api.passwrd", "hunter2-secret"));
		assertThat(failure.configurationKey()).isEqualTo("portico.api.passwrd");
		assertThat(failure.reason()).contains("Did you mean portico.api.password?")
			.contains("Valid keys: portico.api.max-body-size, portico.api.open-reads, portico.api.password,"
					+ " portico.api.username")
			.doesNotContain("portico.drain-timeout");
		assertThat(failure.getMessage()).doesNotContain("hunter2-secret");
		assertThat(String.valueOf(failure.value())).doesNotContain("hunter2-secret");
		assertThat(failure(Map.of("portico.clustr.enabled", "true")).reason()).as("no group: every key")
			.contains("portico.drain-timeout", "portico.api.username")
			.doesNotContain("Did you mean");
	}

	@Test
	void shouldIgnoreEnvironmentVariablesSuchAsKubernetesServiceLinksAndSystemProperties() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
					new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
							Map.of("portico.soak.duration", "90s")));
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("PORTICO_SERVICE_HOST", "10.0.0.7", "PORTICO_PORT", "tcp://10.0.0.7:8080",
									"PORTICO_JAR", "/app/portico.jar")));
		assertThatNoException().isThrownBy(() -> UnknownKeysCheck.check(environment, KNOWN));
	}

	@Test
	void shouldAcceptKeysBelowMapListAndObjectValuedKeysButNotBelowPlainValues() {
		Map<String, String> types = new LinkedHashMap<>();
		types.put("portico.cluster.enabled", "java.lang.Boolean");
		types.put("portico.cluster.tags", "java.util.Map<java.lang.String,java.lang.String>");
		types.put("portico.cluster.seeds", "java.util.List<java.lang.String>");
		types.put("portico.cluster.redis", "com.example.RedisSettings");
		types.put("portico.console.refresh", "java.time.Duration");
		KnownKeys known = new KnownKeys(types, ClassUtils.getDefaultClassLoader());
		for (String key : new String[] { "portico.cluster.enabled", "portico.cluster.tags.zone",
				"portico.cluster.seeds[0]", "portico.cluster.redis.host", "portico.console.refresh" }) {
			assertThatNoException().as(key)
				.isThrownBy(() -> UnknownKeysCheck.check(environment(Map.of(key, "x")), known));
		}
		for (String key : new String[] { "portico.cluster.enabld", "portico.console.refresh.every",
				"portico.cluster.enabled[0]" }) {
			assertThatException().as(key)
				.isThrownBy(() -> UnknownKeysCheck.check(environment(Map.of(key, "x")), known))
				.isInstanceOf(InvalidDefinitionException.class);
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					portico.drain-timout=5s                     | portico.drain-timout     | Did you mean portico.drain-timeout?
					portico.api.passwrd=hunter2-secret          | portico.api.passwrd      | Did you mean portico.api.password?
					portico.listeners.echo.idle-timout=30s      | portico.listeners.echo.idle-timout | idle-timeout, inbound-channel
					""")
	void shouldStopStartUpWithTheKeyAndTheValidOnesWhenAKeyIsUnknown(String property, String key, String hint,
			CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(PorticoApplication.class).web(WebApplicationType.NONE)
				.properties("spring.config.location=classpath:/no-listeners.yml", "portico.listeners.echo.type=echo",
						"portico.listeners.echo.port=0", "portico.listeners.echo.bind=127.0.0.1", property)
				.run()
				.close());
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "Property: " + key, hint)
			.doesNotContain("hunter2-secret");
	}

	@Test
	void shouldSayWhereAMisspeltKeyIsWrittenWhenItComesFromAFile(@TempDir Path directory, CapturedOutput output)
			throws Exception {
		Path file = directory.resolve("application.yml");
		Files.writeString(file, "portico:\n  api:\n    open-reads: true\n    openReeds: false\n");
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(PorticoApplication.class).web(WebApplicationType.NONE)
				.properties("spring.config.location=classpath:/no-listeners.yml,file:" + file)
				.run()
				.close());
		assertThat(output.getAll()).contains("Property: portico.api.openReeds", file.toString(), "4:",
				"Did you mean portico.api.open-reads?");
	}

	private static void check(Map<String, Object> properties) {
		UnknownKeysCheck.check(environment(properties), KNOWN);
	}

	private static InvalidDefinitionException failure(Map<String, Object> properties) {
		try {
			check(properties);
		}
		catch (InvalidDefinitionException ex) {
			return ex;
		}
		throw new AssertionError("no failure for " + properties);
	}

	private static StandardEnvironment environment(Map<String, ?> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", new LinkedHashMap<>(properties)));
		return environment;
	}

}
