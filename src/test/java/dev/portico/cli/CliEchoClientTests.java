package dev.portico.cli;

import java.io.IOException;
import java.net.InetAddress;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.portico.cli.support.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo client against an in-test echo server (tests against the live listener belong
 * with it).
 */
class CliEchoClientTests {

	@Test
	void shouldPrintTheEchoWhenTheServerEchoes() throws Exception {
		try (TestServers.Tcp server = TestServers.echo()) {
			CliRun run = CliRun.of("client", "echo", "--port", Integer.toString(server.port()), "Hello,", "world 🐰");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).isEqualTo("Hello, world 🐰" + System.lineSeparator());
			assertThat(run.err()).isEmpty();
		}
	}

	@Test
	void shouldPrintOneLineAndExitNonZeroWhenTheConnectionIsRefused() throws Exception {
		int port = TestServers.closedPort();
		CliRun run = CliRun.of("client", "echo", "--port", Integer.toString(port), "hello");
		assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
		assertThat(run.out()).isEmpty();
		assertThat(run.err().lines())
			.containsExactly("echo: cannot connect to 127.0.0.1:" + port + ": connection refused");
	}

	@Test
	void shouldExitWithMismatchWhenTheEchoDiffers() throws Exception {
		try (TestServers.Tcp server = TestServers.corruptingEcho(2)) {
			CliRun run = CliRun.of("client", "echo", "--port", Integer.toString(server.port()), "abcdef");
			assertThat(run.exitCode()).isEqualTo(ExitCode.MISMATCH);
			assertThat(run.out()).startsWith("abbdef");
			assertThat(run.err().lines()).hasSize(1);
		}
	}

	@Test
	void shouldPrintUsageWhenAskedForHelp() {
		CliRun run = CliRun.of("client", "echo", "--help");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("--host", "--port", "--timeout", "TEXT");
	}

	@Test
	void shouldRunTheCommandLineOnlyWhenTheFirstArgumentIsClientOrBench() {
		assertThat(PorticoCli.handles(new String[] { "client", "echo" })).isTrue();
		assertThat(PorticoCli.handles(new String[] { "bench" })).isTrue();
		assertThat(PorticoCli.handles(new String[] { "--server.port=0" })).isFalse();
		assertThat(PorticoCli.handles(new String[0])).isFalse();
	}

	@Test
	void shouldReachTheServerWhenTheHostIsTheIpv6Loopback() throws Exception {
		InetAddress ipv6Loopback = InetAddress.getByName("::1");
		TestServers.Tcp server;
		try {
			server = TestServers.echo(ipv6Loopback);
		}
		catch (IOException ex) {
			Assumptions.abort("no IPv6 loopback here: " + ex.getMessage());
			return;
		}
		try (server) {
			CliRun run = CliRun.of("client", "echo", "--host", "::1", "--port", Integer.toString(server.port()), "v6");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).isEqualTo("v6" + System.lineSeparator());
		}
	}

}
