package dev.portico.cli;

import org.junit.jupiter.api.Test;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerType;
import dev.portico.support.ListenerTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The bundled clients and a short bench run against Portico's own listeners, on loopback, port 0. */
class CliPorticoIntegrationTests extends ListenerTestSupport {

	@Test
	void shouldEchoTextWhenTheEchoClientTalksToAnEchoListener() {
		Listener echo = start("cli-echo", loopback(ListenerType.ECHO, false));
		CliRun run = CliRun.of("client", "echo", "--port", port(echo), "Hello, world");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("Hello, world" + System.lineSeparator());
	}

	@Test
	void shouldEchoEveryConnectionWhenTheMulticonnClientTalksToAMulticonnListener() {
		Listener multiconn = start("cli-multiconn", loopback(ListenerType.MULTICONN, false));
		CliRun run = CliRun.of("client", "multiconn", "--port", port(multiconn), "--conns", "3");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).contains(": 3 echoed exactly, 0 mismatched, 0 failed");
	}

	@Test
	void shouldPrintResultsWhenTheSearchClientTalksToASearchListener() {
		Listener search = start("cli-search", loopback(ListenerType.SEARCH, false));
		CliRun found = CliRun.of("client", "search", "--port", port(search), "search", "morpheus");
		assertThat(found.exitCode()).as(found.err()).isZero();
		assertThat(found.out()).isEqualTo("Follow the white rabbit. 🐰" + System.lineSeparator());
		CliRun binary = CliRun.of("client", "search", "--port", port(search), "binary", "\uD83D\uDE03");
		assertThat(binary.exitCode()).as(binary.err()).isZero();
		assertThat(binary.out()).isEqualTo("First 10 bytes of request: binary😃" + System.lineSeparator());
	}

	@Test
	void shouldPrintTheReplyWhenTheUdpClientTalksToAUdpListener() {
		Listener udp = start("cli-udp", loopback(ListenerType.UDP, false));
		CliRun run = CliRun.of("client", "udp", "--port", port(udp), "ping");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).isEqualTo("ping" + System.lineSeparator());
	}

	@Test
	void shouldVerifyEveryByteWhenBenchingAnEchoListener() {
		Listener echo = start("cli-bench-echo", loopback(ListenerType.ECHO, false));
		CliRun run = CliRun.of("bench", "echo", "--port", port(echo), "--conns", "8", "--pipeline", "2",
				"--warmup", "0", "--duration", "1s", "--json");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).contains("\"mismatches\": 0", "\"errors\": 0", "\"survivors\": 8");
	}

	@Test
	void shouldVerifyEveryAnswerWhenBenchingAKeepAliveSearchListener() {
		Listener search = start("cli-bench-search", loopback(ListenerType.SEARCH, true));
		CliRun run = CliRun.of("bench", "search", "--keep-alive", "--port", port(search), "--conns", "4",
				"--pipeline", "2", "--warmup", "0", "--duration", "1s", "--json");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).contains("\"mismatches\": 0", "\"errors\": 0");
	}

	private static ListenerProperties loopback(ListenerType type, boolean keepAlive) {
		return new ListenerProperties(type, 0, "127.0.0.1", null, null, null, null, null, null, null, null, null,
				keepAlive, null);
	}

	private static String port(Listener listener) {
		return Integer.toString(listener.port());
	}

}
