package dev.portico.cli;

import dev.portico.cli.support.ExitCode;
import org.junit.jupiter.api.Test;

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
			assertThat(run.out()).startsWith("{\"mode\": \"echo\"").contains("\"mismatches\": 0", "\"errors\": 0",
					"\"survivors\": 4");
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
		assertThat(run.err().lines()).containsExactly("bench: cannot connect to 127.0.0.1:" + port + ": connection refused");
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
			CliRun run = CliRun.of("bench", "echo", "--port", Integer.toString(server.port()), "--conns", "4",
					"--rate", "200", "--warmup", "0", "--duration", "1s", "--json");
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
			// Every connection got one echo back, then the server closed it: none survive.
			assertThat(run.out()).contains("0 of 5 connections survived");
			assertThat(run.err()).contains("closed by the server");
		}
	}

}
