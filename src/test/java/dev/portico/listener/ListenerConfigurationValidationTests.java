package dev.portico.listener;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.portico.PorticoApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class ListenerConfigurationValidationTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			portico.listeners.echo.port=70000                 | portico.listeners.echo.port
			portico.listeners.echo.port=-1                    | portico.listeners.echo.port
			portico.listeners.echo.type=telnet                | portico.listeners.echo.type
			portico.listeners.echo.max-connections=-5         | portico.listeners.echo.max-connections
			portico.listeners.echo.max-queued-bytes=-1KB      | portico.listeners.echo.max-queued-bytes
			portico.listeners.echo.idle-timeout=-3s           | portico.listeners.echo.idle-timeout
			portico.listeners.echo.max-connections-per-ip=-1  | portico.listeners.echo.max-connections-per-ip
			portico.listeners.echo.idle-timeout=soon          | portico.listeners.echo.idle-timeout
			portico.listeners.echo.idle-timeout=106752d       | portico.listeners.echo.idle-timeout
			portico.listeners.echo.idle-timeout=9223372036854775807s | portico.listeners.echo.idle-timeout
			portico.listeners.echo.bind=localhost             | portico.listeners.echo.bind
			portico.listeners.Echo_1.port=0                   | portico.listeners.Echo_1
			portico.search.index-file=target/no-such-index.json | target/no-such-index.json
			portico.max-buffered-bytes=-1MB                   | portico.max-buffered-bytes
			""")
	void shouldStopStartUpWithAMessageNamingTheKeyWhenAValueIsInvalid(String property, String key,
			CapturedOutput output) {
		String[] properties = { "spring.config.location=classpath:/no-listeners.yml",
				"portico.listeners.echo.type=echo", "portico.listeners.echo.port=0", property };
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(PorticoApplication.class).web(WebApplicationType.NONE)
				.properties(properties)
				.run()
				.close());
		assertThat(output.getAll()).contains(key);
	}

}
