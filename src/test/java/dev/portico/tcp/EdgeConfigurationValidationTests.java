package dev.portico.tcp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.portico.PorticoApplication;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A listener whose TLS or PROXY protocol keys cannot work stops start-up, and Spring
 * Boot's failure report names the key.
 */
@ExtendWith(OutputCaptureExtension.class)
class EdgeConfigurationValidationTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					portico.listeners.echo.ssl.bundle=nope                   | portico.listeners.echo.ssl.bundle            | no SSL bundle 'nope'
					portico.listeners.echo.ssl.bundle=keyless                | portico.listeners.echo.ssl.client-auth       | no trust store
					portico.listeners.echo.ssl.bundle=trust-only             | portico.listeners.echo.ssl.bundle            | no key store
					portico.listeners.echo.ssl.handshake-timeout=1h          | portico.listeners.echo.ssl.handshake-timeout | between 0 and 5m
					portico.listeners.echo.ssl.client-auth=sometimes         | portico.listeners.echo.ssl.client-auth       | use none, want or need
					portico.listeners.echo.ssl.bundel=server                 | portico.listeners.echo.ssl.bundel            | unknown key
					portico.listeners.echo.proxy-protocol=maybe              | portico.listeners.echo.proxy-protocol        | use off, optional or required
					portico.listeners.echo.proxy-trusted-from=10.0.0.0/33    | portico.listeners.echo.proxy-trusted-from    | prefix length
					portico.listeners.echo.proxy-trusted-from=lb.example.org | portico.listeners.echo.proxy-trusted-from    | not an address block
					""")
	void shouldStopStartUpWithAMessageNamingTheKeyWhenAnEdgeKeyCannotWork(String property, String key, String reason,
			CapturedOutput output) {
		TestCertificates certificates = TestCertificates.get();
		List<String> properties = new ArrayList<>(List.of("spring.config.location=classpath:/no-listeners.yml",
				"portico.listeners.echo.type=echo", "portico.listeners.echo.port=0",
				"spring.ssl.bundle.pem.keyless.keystore.certificate=" + certificates.location("server.crt"),
				"spring.ssl.bundle.pem.keyless.keystore.private-key=" + certificates.location("server.key"),
				"spring.ssl.bundle.pem.trust-only.truststore.certificate=" + certificates.location("ca.crt"),
				property));
		if (property.endsWith("=keyless")) {
			properties.add("portico.listeners.echo.ssl.client-auth=need");
		}
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(PorticoApplication.class).web(WebApplicationType.NONE)
				.properties(properties.toArray(String[]::new))
				.run()
				.close());
		assertThat(output.getAll()).contains("Property: " + key).contains(reason);
	}

}
