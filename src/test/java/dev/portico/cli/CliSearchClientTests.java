package dev.portico.cli;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.portico.cli.support.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search client and the bench's search mode against an in-test server built on the
 * search codec.
 */
class CliSearchClientTests {

	@Test
	void shouldPrintTheResultWhenSearchingForAKnownKey() throws Exception {
		try (TestServers.Tcp server = TestServers.search(TestServers.SEARCH_INDEX, false)) {
			CliRun run = CliRun.of("client", "search", "--port", Integer.toString(server.port()), "search", "morpheus");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).isEqualTo("Follow the white rabbit. 🐰" + System.lineSeparator());
		}
	}

	@Test
	void shouldPrintNoMatchWhenTheKeyIsUnknown() throws Exception {
		try (TestServers.Tcp server = TestServers.search(TestServers.SEARCH_INDEX, false)) {
			CliRun run = CliRun.of("client", "search", "--port", Integer.toString(server.port()), "search", "nobody");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).isEqualTo("No match for 'nobody'." + System.lineSeparator());
		}
	}

	@Test
	void shouldSendABinaryRequestWhenTheActionIsNotSearch() throws Exception {
		try (TestServers.Tcp server = TestServers.search(TestServers.SEARCH_INDEX, false)) {
			CliRun run = CliRun.of("client", "search", "--port", Integer.toString(server.port()), "binary",
					"\uD83D\uDE03");
			assertThat(run.exitCode()).isZero();
			// "binary" + U+1F603 is 10 bytes: all of them come back.
			assertThat(run.out()).isEqualTo("First 10 bytes of request: binary😃" + System.lineSeparator());
		}
	}

	@Test
	void shouldPrintOneLineAndExitNonZeroWhenTheConnectionIsRefused() throws Exception {
		int port = TestServers.closedPort();
		CliRun run = CliRun.of("client", "search", "--port", Integer.toString(port), "search", "ring");
		assertThat(run.exitCode()).isEqualTo(ExitCode.FAILURE);
		assertThat(run.err().lines())
			.containsExactly("search: cannot connect to 127.0.0.1:" + port + ": connection refused");
	}

	@Test
	void shouldVerifyEveryAnswerWhenBenchingWithKeepAlive() throws Exception {
		try (TestServers.Tcp server = TestServers.search(TestServers.SEARCH_INDEX, true)) {
			CliRun run = CliRun.of("bench", "search", "--keep-alive", "--port", Integer.toString(server.port()),
					"--conns", "2", "--pipeline", "2", "--warmup", "0", "--duration", "1s", "--json");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).contains("\"mode\": \"search\"", "\"mismatches\": 0", "\"errors\": 0");
		}
	}

	@Test
	void shouldOpenOneConnectionPerRequestWhenBenchingWithoutKeepAlive() throws Exception {
		try (TestServers.Tcp server = TestServers.search(TestServers.SEARCH_INDEX, false)) {
			CliRun run = CliRun.of("bench", "search", "--port", Integer.toString(server.port()), "--conns", "2",
					"--warmup", "0", "--duration", "1s");
			assertThat(run.exitCode()).isZero();
			assertThat(run.out()).contains("0 mismatches  0 errors");
			assertThat(server.accepted.get()).isGreaterThan(3);
		}
	}

	@Test
	void shouldReportAMismatchWhenAnAnswerIsWrong() throws Exception {
		Map<String, String> wrong = new HashMap<>(TestServers.SEARCH_INDEX);
		wrong.put("ring", "In the caves beneath the Lonely Mountain.");
		try (TestServers.Tcp server = TestServers.search(wrong, true)) {
			CliRun run = CliRun.of("bench", "search", "--keep-alive", "--port", Integer.toString(server.port()),
					"--conns", "1", "--warmup", "0", "--duration", "1s");
			assertThat(run.exitCode()).isEqualTo(ExitCode.MISMATCH);
			assertThat(run.err())
				.contains("answer to 'ring' was {\"result\": \"In the caves beneath the Lonely Mountain.\"}");
		}
	}

	@Test
	void shouldHintAtKeepAliveWhenTheServerClosesAfterOneAnswer() throws Exception {
		try (TestServers.Tcp server = TestServers.search(TestServers.SEARCH_INDEX, false)) {
			CliRun run = CliRun.of("bench", "search", "--keep-alive", "--port", Integer.toString(server.port()),
					"--conns", "2", "--warmup", "0", "--duration", "500ms");
			assertThat(run.err()).contains("closed by the server after 1 answers (is keep-alive enabled");
			assertThat(run.out()).contains("2 errors");
		}
	}

}
