package dev.portico.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.portico.cli.support.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator's verification, against in-test servers, in short runs. */
class CliBenchTests {

	@Test
	void shouldVerifyEveryMessageAndPrintJsonWhenTheServerEchoes() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--conns", "4",
					"--pipeline", "2", "--warmup", "0", "--duration", "1s", "--json");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out().lines()).hasSize(1);
			assertThat(run.out()).startsWith("{\"mode\": \"echo\"")
				.contains("\"mismatches\": 0", "\"errors\": 0", "\"survivors\": 4");
			assertThat(run.err()).contains("[  1s] measure");
		}
	}

	@Test
	void shouldReportAMismatchAndExitNonZeroWhenTheServerFlipsOneByte() throws Exception {
		try (TestServers.Tcp server = TestServers.corruptingEcho(1000)) {
			CliRun run = CliRun.of("bench", "stream", "--port", Integer.toString(server.port()), "--conns", "2",
					"--size", "512", "--warmup", "0", "--duration", "1s");
			assertThat(run.exitCode()).isEqualTo(ExitCode.MISMATCH);
			// Each connection's stream has its byte 1000 flipped.
			assertThat(run.out()).contains("2 mismatches");
			assertThat(run.err()).contains("byte at stream offset 1000 is");
		}
	}

	@Test
	void shouldPrintOneLineAndExitNonZeroWhenTheConnectionIsRefused() throws Exception {
		int port = TestServers.closedPort();
		CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(port), "--duration", "1s");
		assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
		assertThat(run.out()).isEmpty();
		assertThat(run.err().lines())
			.containsExactly("bench: cannot connect to 127.0.0.1:" + port + ": connection refused");
	}

	@Test
	void shouldCountRepliesWhenTheUdpServerEchoes() throws Exception {
		try (TestServers.Udp server = new TestServers.Udp(true)) {
			CliRun run = CliRun.of("bench", "udp", "--port", Integer.toString(server.port()), "--conns", "2",
					"--warmup", "0", "--duration", "1s", "--json");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).contains("\"mode\": \"udp\"", "\"mismatches\": 0");
		}
	}

	@Test
	void shouldExitNonZeroWhenNoUdpReplyComes() throws Exception {
		try (TestServers.Udp server = new TestServers.Udp(false)) {
			CliRun run = CliRun.of("bench", "udp", "--port", Integer.toString(server.port()), "--conns", "1",
					"--warmup", "0", "--duration", "1s", "--timeout", "200ms");
			assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
			assertThat(run.out()).contains(" lost");
			assertThat(run.err()).contains("bench: no verified reply");
		}
	}

	@Test
	void shouldKeepHeldConnectionsOpenAndCountThemWhenTheServerEchoes() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("bench", "hold", "--port", Integer.toString(server.port()), "--conns", "20",
					"--interval", "200ms", "--warmup", "300ms", "--duration", "1s");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).contains("20 of 20 connections survived");
		}
	}

	@Test
	void shouldHoldTheRateWhenARateIsGiven() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--conns", "4", "--rate",
					"200", "--warmup", "0", "--duration", "1s", "--json");
			assertThat(run.exitCode()).isZero();
			long messages = Long.parseLong(run.out().replaceAll(".*\"messages\": (\\d+),.*\\s*", "$1"));
			assertThat(messages).isBetween(150L, 260L);
		}
	}

	@Test
	void shouldCountWhatSurvivesWhenTheServerClosesHeldConnections() throws Exception {
		try (TestServers.Tcp server = TestServers.echoThenClose(64)) {
			CliRun run = CliRun.of("bench", "hold", "--port", Integer.toString(server.port()), "--conns", "5",
					"--interval", "200ms", "--warmup", "600ms", "--duration", "500ms");
			// Every connection got one echo back, then the server closed it: none
			// survive.
			assertThat(run.out()).contains("0 of 5 connections survived");
			assertThat(run.err()).contains("closed by the server");
		}
	}

	@Test
	void shouldWriteOneJsonObjectWithTheDocumentedKeysWhenAskedForJson() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--conns", "1",
					"--warmup", "0", "--duration", "500ms", "--json");
			assertThat(run.exitCode()).as(run.err()).isZero();
			JsonNode json = JsonMapper.builder().build().readTree(run.out());
			assertThat(json.propertyNames()).containsExactly("mode", "target", "conns", "size", "pipeline", "seconds",
					"messages", "bytes", "msgPerSec", "mbPerSec", "latencyMicros", "sent", "errors", "mismatches",
					"connectFailures", "connects", "survivors", "timeouts", "lost", "late", "serverCpuMicrosPerMsg",
					"serverPeakRssKib", "serverRssKib", "generatorCpuMicrosPerMsg", "generatorBusyPercent");
			assertThat(json.get("latencyMicros").propertyNames()).containsExactly("p50", "p99", "p999", "max");
			assertThat(json.get("target").asString()).isEqualTo("127.0.0.1:" + server.port());
			// The layout scripts already parse: Python's json.dumps, "key": value,
			// "next": ...
			assertThat(run.out()).startsWith("{\"mode\": \"echo\", \"target\": ");
			// No server named: no server figures, and no guessing which process it might
			// be.
			assertThat(json.get("serverCpuMicrosPerMsg").asDouble()).isEqualTo(-1);
			assertThat(json.get("serverPeakRssKib").asLong()).isEqualTo(-1);
			assertThat(json.get("serverRssKib").asLong()).isEqualTo(-1);
		}
	}

	@Test
	void shouldReportServerCpuAndMemoryWhenGivenARunningServerPid() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			// The in-test server runs in this JVM: its PID is this process's.
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--conns", "2",
					"--warmup", "0", "--duration", "500ms", "--server-pid",
					Long.toString(ProcessHandle.current().pid()));
			assertThat(run.exitCode()).as(run.err()).isZero();
			assertThat(run.out()).containsPattern("  server      \\d+\\.\\d\\d us CPU/msg  peak RSS [\\d,]+ KiB");
		}
	}

	@Test
	void shouldPrintOneLineAndExitWithUsageWhenTheServerPidNamesNoProcess() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			// Above Linux's largest possible PID (2^22): no process can have it.
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--server-pid",
					"4194305");
			assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
			assertThat(run.out()).isEmpty();
			assertThat(run.err().lines())
				.containsExactly("bench: --server-pid 4194305 names no running process on this machine");
		}
	}

	@Test
	void shouldPrintOneLineAndExitWithUsageWhenTheServerPidIsSeveralProcesses() throws Exception {
		// What --server-pid $(pgrep -f portico.jar) becomes on a machine running two of
		// them.
		CliRun run = CliRun.of("bench", "echo", "--server-pid", "1234", "5678", "--duration", "1s");
		assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(run.err().lines()).containsExactly("bench: --server-pid takes one process id, got 2 (1234 5678): "
				+ "give one, or --server-url to let bench find the server");
	}

	@Test
	void shouldPrintOneLineAndExitNonZeroWhenTheServerUrlDoesNotAnswer() throws Exception {
		int port = TestServers.closedPort();
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--server-url",
					"http://127.0.0.1:" + port + "/");
			assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
			assertThat(run.out()).isEmpty();
			assertThat(run.err().lines()).containsExactly("bench: cannot read the server's PID from http://127.0.0.1:"
					+ port + "/actuator/info: connection refused");
		}
	}

	@Test
	void shouldPrintOneLineAndExitWithUsageWhenTheServerUrlIsNotAnHttpUrl() {
		CliRun run = CliRun.of("bench", "echo", "--server-url", "localhost:8080");
		assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(run.err().lines())
			.containsExactly("bench: --server-url 'localhost:8080' is not an http:// or https:// URL");
	}

	@Test
	void shouldRefuseServerPidAndServerUrlTogether() {
		CliRun run = CliRun.of("bench", "echo", "--server-pid", "1", "--server-url", "http://127.0.0.1:8080");
		assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(run.err().lines()).containsExactly("bench: give --server-url or --server-pid, not both");
	}

}
