package dev.portico.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench --server-url} against a running Portico: it finds the server's process
 * through {@code /actuator/info} (Boot's process info contributor) and reports its CPU
 * and memory.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
				"management.endpoints.web.exposure.include=info", "management.info.process.enabled=true",
				"portico.listeners.echo.type=echo", "portico.listeners.echo.port=0",
				"portico.listeners.echo.bind=127.0.0.1" })
class CliBenchServerUrlIntegrationTests {

	@LocalServerPort
	private int httpPort;

	@Test
	void shouldReportTheServersCpuAndMemoryWhenGivenItsUrl() {
		HttpTestClient http = new HttpTestClient(this.httpPort);
		int echoPort = http.json("/api/listeners/echo").get("port").asInt();
		String url = "http://127.0.0.1:" + this.httpPort;
		CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(echoPort), "--conns", "2", "--warmup", "0",
				"--duration", "1s", "--json", "--server-url", url);
		assertThat(run.exitCode()).as(run.err()).isZero();
		// The service runs in this JVM: the PID it reports is this process's.
		assertThat(run.err())
			.contains("bench: server PID " + ProcessHandle.current().pid() + " (from " + url + "/actuator/info)");
		JsonNode result = HttpTestClient.parse(run.out());
		assertThat(result.get("mismatches").asLong()).isZero();
		assertThat(result.get("serverCpuMicrosPerMsg").asDouble()).isGreaterThanOrEqualTo(0);
		assertThat(result.get("serverPeakRssKib").asLong()).isPositive();
		assertThat(result.get("serverRssKib").asLong()).isPositive();
	}

}
