package dev.portico.actuate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health when a configured port is held by another socket, and the generated API
 * password: no {@code portico.api.password} is configured here.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "portico.listeners.echo.port=0",
				"portico.listeners.echo.bind=127.0.0.1", "portico.listeners.multiconn.port=0",
				"portico.listeners.multiconn.bind=127.0.0.1", "portico.listeners.udp.port=0",
				"portico.listeners.udp.bind=127.0.0.1", "portico.listeners.search.port=0",
				"portico.listeners.search.bind=127.0.0.1", "portico.listeners.held.type=echo",
				"portico.listeners.held.bind=127.0.0.1" })
class ListenersHealthIntegrationTests {

	private static final ServerSocket HELD = holdPort();

	@LocalServerPort
	private int httpPort;

	@DynamicPropertySource
	static void heldPort(DynamicPropertyRegistry registry) {
		registry.add("portico.listeners.held.port", HELD::getLocalPort);
	}

	@AfterAll
	static void release() throws IOException {
		HELD.close();
	}

	@Test
	void shouldBeDownWithCauseWhenConfiguredPortIsHeldAndUpWhenListenerIsRecreated(CapturedOutput output) {
		HttpTestClient client = new HttpTestClient(this.httpPort);
		int port = HELD.getLocalPort();

		Matcher generated = Pattern.compile("\\n  password +(\\S+) \\(generated for this run only")
			.matcher(output.getOut());
		assertThat(generated.find()).as("the generated password is logged").isTrue();
		HttpTestClient operator = client.withCredentials("admin", generated.group(1));

		assertThat(client.get("/actuator/health").statusCode()).isEqualTo(503);
		// anonymous callers see each listener's state, not its details
		JsonNode anonymous = HttpTestClient.parse(client.get("/actuator/health").body())
			.path("components")
			.path("listeners");
		assertThat(anonymous.path("status").asString()).isEqualTo("DOWN");
		assertThat(anonymous.path("components").path("held").path("status").asString()).isEqualTo("DOWN");
		assertThat(anonymous.path("components").path("held").path("description").asString()).isEqualTo("FAILED");
		assertThat(anonymous.path("components").path("echo").path("description").asString()).isEqualTo("RUNNING");
		assertThat(anonymous.path("components").path("held").has("details")).isFalse();
		// nor disk paths and sizes
		String anonymousBody = client.get("/actuator/health").body();
		assertThat(anonymousBody).doesNotContain("\"free\"")
			.doesNotContain("\"total\"")
			.doesNotContain(Path.of("").toAbsolutePath().toString());
		assertThat(HttpTestClient.parse(operator.get("/actuator/health").body())
			.path("components")
			.path("diskSpace")
			.path("details")
			.path("free")
			.isNumber()).isTrue();
		JsonNode held = HttpTestClient.parse(operator.get("/actuator/health").body())
			.path("components")
			.path("listeners")
			.path("components")
			.path("held");
		assertThat(held.path("details").path("failure").asString()).contains(":" + port + "/tcp");
		assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
		// a port conflict must not get the process restarted
		assertThat(client.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

		assertThat(client.withCredentials("admin", "guess").delete("/api/listeners/held").statusCode()).isEqualTo(401);
		assertThat(operator.delete("/api/listeners/held").statusCode()).isEqualTo(204);
		assertThat(operator
			.postJson("/api/listeners", "{\"name\":\"held\",\"type\":\"echo\",\"port\":0,\"bind\":\"127.0.0.1\"}")
			.statusCode()).isEqualTo(201);

		assertThat(client.get("/actuator/health").statusCode()).isEqualTo(200);
		assertThat(client.json("/actuator/health/readiness").path("status").asString()).isEqualTo("UP");
		assertThat(client.json("/api/listeners/held").path("state").asString()).isEqualTo("RUNNING");
	}

	private static ServerSocket holdPort() {
		try {
			return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
