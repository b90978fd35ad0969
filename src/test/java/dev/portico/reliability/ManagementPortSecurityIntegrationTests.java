package dev.portico.reliability;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator on its own port and address ({@code management.server.port},
 * {@code management.server.address}): the same exposure and the same credentials apply
 * there, and the API port no longer serves {@code /actuator}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
				"management.server.port=0", "management.server.address=127.0.0.1", "portico.api.password=mgmt-secret",
				"management.endpoints.web.exposure.include=health,info,metrics,prometheus,listeners" })
class ManagementPortSecurityIntegrationTests {

	@LocalServerPort
	private int httpPort;

	@LocalManagementPort
	private int managementPort;

	@Test
	void shouldServeActuatorOnlyOnTheManagementPortWithTheSameRulesWhenOneIsSet() {
		HttpTestClient management = new HttpTestClient(this.managementPort);
		HttpTestClient operator = management.withCredentials("admin", "mgmt-secret");
		assertThat(this.managementPort).isNotEqualTo(this.httpPort);
		assertThat(management.get("/actuator/health").statusCode()).isEqualTo(200);
		assertThat(management.get("/actuator/prometheus").statusCode()).isEqualTo(200);
		assertThat(operator.get("/actuator/env").statusCode()).isEqualTo(404);
		assertThat(operator.get("/actuator/heapdump").statusCode()).isEqualTo(404);
		assertThat(operator.post("/actuator/shutdown").statusCode()).isEqualTo(404);
		assertThat(management.postJson("/actuator/listeners/none", "{\"state\":\"STOPPED\"}").statusCode())
			.isEqualTo(401);
		assertThat(new HttpTestClient(this.httpPort).get("/actuator/health").statusCode()).isIn(401, 404);
		assertThat(new HttpTestClient(this.httpPort).get("/api/listeners").statusCode()).isEqualTo(200);
	}

}
