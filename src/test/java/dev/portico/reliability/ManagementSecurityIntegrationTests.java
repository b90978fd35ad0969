package dev.portico.reliability;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management surface as shipped: Actuator exposes only health, info, metrics,
 * prometheus and listeners (everything else answers 404, even with credentials), changes
 * need credentials, and a configured password never reaches the log, not even with
 * Portico and Spring Security at DEBUG.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
				"portico.api.password=" + ManagementSecurityIntegrationTests.PASSWORD,
				"management.endpoints.web.exposure.include=health,info,metrics,prometheus,listeners",
				"logging.level.dev.portico=DEBUG", "logging.level.org.springframework.security=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class ManagementSecurityIntegrationTests {

	static final String PASSWORD = "Zq7-never-logged-4711";

	@LocalServerPort
	private int httpPort;

	private HttpTestClient anonymous;

	private HttpTestClient operator;

	@BeforeEach
	void clients() {
		this.anonymous = new HttpTestClient(this.httpPort);
		this.operator = this.anonymous.withCredentials("admin", PASSWORD);
	}

	@ParameterizedTest
	@ValueSource(strings = { "env", "env/portico.api.password", "heapdump", "threaddump", "beans", "configprops",
			"mappings", "loggers", "conditions", "scheduledtasks", "sbom", "startup", "logfile", "auditevents",
			"httpexchanges", "sessions", "caches", "integrationgraph", "quartz", "flyway", "liquibase" })
	void shouldAnswerNotFoundForEndpointsThatAreNotExposedWhenReadWithCredentials(String endpoint) {
		assertThat(this.operator.get("/actuator/" + endpoint).statusCode()).isEqualTo(404);
		// without credentials nothing is revealed either: not even whether it exists
		assertThat(this.anonymous.get("/actuator/" + endpoint).statusCode()).isIn(401, 404);
	}

	@Test
	void shouldNotShutDownWhenShutdownIsPostedWithCredentials() {
		assertThat(this.operator.post("/actuator/shutdown").statusCode()).isEqualTo(404);
		assertThat(this.operator.get("/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void shouldListOnlyTheExposedEndpointsWhenTheActuatorRootIsRead() {
		String links = this.operator.json("/actuator").path("_links").toString();
		assertThat(links).contains("health", "info", "metrics", "prometheus", "listeners")
			.doesNotContain("\"env\"", "heapdump", "shutdown", "threaddump", "configprops", "beans");
	}

	@Test
	void shouldRefuseEveryChangeWhenCredentialsAreMissingOrWrong() {
		List<HttpResponse<String>> attempts = List.of(
				this.anonymous.postJson("/api/listeners", "{\"name\":\"x\",\"type\":\"echo\",\"port\":0}"),
				this.anonymous.delete("/api/listeners/x"), this.anonymous.post("/api/listeners/x/start"),
				this.anonymous.post("/api/listeners/x/stop"),
				this.anonymous.postText("/api/listeners/x/broadcast", "hi"),
				this.anonymous.putText("/api/search/entries/k", "v"), this.anonymous.delete("/api/search/entries/k"),
				this.anonymous.postJson("/actuator/listeners/x", "{\"state\":\"STOPPED\"}"),
				this.anonymous.withCredentials("admin", "wrong-" + PASSWORD).post("/api/listeners/x/stop"));
		assertThat(attempts).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(401));
	}

	@Test
	void shouldNeverLogTheConfiguredPasswordWhenClientsAuthenticate(CapturedOutput output) {
		assertThat(this.operator.post("/api/listeners/none/start").statusCode()).isEqualTo(404);
		assertThat(this.anonymous.withCredentials("admin", "wrong-" + PASSWORD)
			.post("/api/listeners/none/start")
			.statusCode()).isEqualTo(401);
		String basic = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
		assertThat(output.getAll()).doesNotContain(PASSWORD)
			.doesNotContain(basic)
			.doesNotContain("generated for this run");
	}

}
