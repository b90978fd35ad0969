package dev.portico.cli;

import org.junit.jupiter.api.Test;

import dev.portico.cli.support.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/** The UDP client against an in-test datagram server. */
class CliUdpClientTests {

	@Test
	void shouldPrintTheReplyWhenTheServerEchoes() throws Exception {
		try (TestServers.Udp server = new TestServers.Udp(true)) {
			CliRun run = CliRun.of("client", "udp", "--port", Integer.toString(server.port()), "ping", "🐶");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).isEqualTo("ping 🐶" + System.lineSeparator());
		}
	}

	@Test
	void shouldPrintOneLineAndExitNonZeroWhenNoReplyComesInTime() throws Exception {
		try (TestServers.Udp server = new TestServers.Udp(false)) {
			CliRun run = CliRun.of("client", "udp", "--port", Integer.toString(server.port()), "--timeout", "300ms",
					"ping");
			assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
			assertThat(run.err().lines())
				.containsExactly("udp: no reply from 127.0.0.1:" + server.port() + ": timed out after 300 ms");
		}
	}

}
