package dev.portico.console;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code portico.console.*}: defaults in one place, and a bad value stops start-up naming
 * its key.
 */
class ConsolePropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class);

	@Test
	void shouldUseTheDocumentedDefaultsWhenNothingIsSet() {
		this.runner.run((context) -> {
			ConsoleProperties properties = context.getBean(ConsoleProperties.class);
			assertThat(properties.maxStreams()).isEqualTo(16);
			assertThat(properties.interval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.changeInterval()).isEqualTo(Duration.ofMillis(250));
			assertThat(properties.ping()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.sendTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.maxQueuedBytes()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(properties.history()).isEqualTo(Duration.ofMinutes(5));
			assertThat(properties.historySamples()).isEqualTo(301);
		});
	}

	@Test
	void shouldRefuseToStartWhenAValueIsOutOfRange() {
		this.runner.withPropertyValues("portico.console.max-streams=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("portico.console")
				.hasMessageContaining("maxStreams"));
		this.runner.withPropertyValues("portico.console.change-interval=1ms")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("changeInterval"));
		this.runner.withPropertyValues("portico.console.max-queued-bytes=10B")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("maxQueuedBytes"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ConsoleProperties.class)
	static class Properties {

	}

}
