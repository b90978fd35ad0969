package dev.portico.cli;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled clients and a short bench run against Portico's own listeners, on loopback,
 * port 0.
 */
class CliPorticoIntegrationTests extends ListenerTestSupport {

	@Test
	void shouldEchoTextWhenTheEchoClientTalksToAnEchoListener() {
		Listener echo = start("cli-echo", loopback("echo", false));
		CliRun run = CliRun.of("client", "echo", "--port", port(echo), "Hello, world");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("Hello, world" + System.lineSeparator());
	}

	@Test
	void shouldEchoEveryConnectionWhenTheMulticonnClientTalksToAMulticonnListener() {
		Listener multiconn = start("cli-multiconn", loopback("multiconn", false));
		CliRun run = CliRun.of("client", "multiconn", "--port", port(multiconn), "--conns", "3");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).contains(": 3 echoed exactly, 0 mismatched, 0 failed");
	}

	@Test
	void shouldPrintResultsWhenTheSearchClientTalksToASearchListener() {
		Listener search = start("cli-search", loopback("search", false));
		CliRun found = CliRun.of("client", "search", "--port", port(search), "search", "morpheus");
		assertThat(found.exitCode()).as(found.err()).isZero();
		assertThat(found.out()).isEqualTo("Follow the white rabbit. 🐰" + System.lineSeparator());
		CliRun binary = CliRun.of("client", "search", "--port", port(search), "binary", "\uD83D\uDE03");
		assertThat(binary.exitCode()).as(binary.err()).isZero();
		assertThat(binary.out()).isEqualTo("First 10 bytes of request: binary😃" + System.lineSeparator());
	}

	@Test
	void shouldPrintTheReplyWhenTheUdpClientTalksToAUdpListener() {
		Listener udp = start("cli-udp", loopback("udp", false));
		CliRun run = CliRun.of("client", "udp", "--port", port(udp), "ping");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).isEqualTo("ping" + System.lineSeparator());
	}

	@Test
	void shouldVerifyEveryByteWhenBenchingAnEchoListener() {
		Listener echo = start("cli-bench-echo", loopback("echo", false));
		CliRun run = CliRun.of("bench", "echo", "--port", port(echo), "--conns", "8", "--pipeline", "2", "--warmup",
				"0", "--duration", "1s", "--json");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).contains("\"mismatches\": 0", "\"errors\": 0", "\"survivors\": 8");
	}

	@Test
	void shouldVerifyEveryAnswerWhenBenchingAKeepAliveSearchListener() {
		Listener search = start("cli-bench-search", loopback("search", true));
		CliRun run = CliRun.of("bench", "search", "--keep-alive", "--port", port(search), "--conns", "4", "--pipeline",
				"2", "--warmup", "0", "--duration", "1s", "--json");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).contains("\"mismatches\": 0", "\"errors\": 0");
	}

	private static Map<String, Object> loopback(String type, boolean keepAlive) {
		return Keys.of(type, 0, "bind", "127.0.0.1", "keep-alive", type.equals("search") ? keepAlive : null);
	}

	private static String port(Listener listener) {
		return Integer.toString(listener.port());
	}

}
