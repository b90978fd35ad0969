package dev.portico.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.portico.cli.support.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The multi-connection client against an in-test echo server. */
class CliMulticonnClientTests {

	@Test
	void shouldEchoOnEveryConnectionAndCloseWhenAllBytesCameBack() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("client", "multiconn", "--port", Integer.toString(server.port()), "--conns", "3");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out().lines()).hasSize(4);
			assertThat(run.out()).contains(
					"connection 1: sent 44 bytes, received 44 bytes: \"Message 1 from client.Message 2 from client.\"",
					"3 connections to 127.0.0.1:" + server.port() + ": 3 echoed exactly, 0 mismatched, 0 failed");
			// The client closed each connection itself, so the server sees three ends of
			// stream.
			await().atMost(Duration.ofSeconds(5)).until(() -> server.closed.get() == 3);
		}
	}

	@Test
	void shouldPrintOneLineAndExitNonZeroWhenNothingListens() throws Exception {
		int port = TestServers.closedPort();
		CliRun run = CliRun.of("client", "multiconn", "--port", Integer.toString(port), "--conns", "2");
		assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
		assertThat(run.err().lines())
			.containsExactly("multiconn: no connection to 127.0.0.1:" + port + " completed: connection refused");
	}

}
