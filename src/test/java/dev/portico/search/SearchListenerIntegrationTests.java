package dev.portico.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.portico.listener.Listener;
import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static dev.portico.protocol.SearchTestFrames.MORPHEUS_REQUEST;
import static dev.portico.protocol.SearchTestFrames.ascii;
import static dev.portico.protocol.SearchTestFrames.concat;
import static dev.portico.protocol.SearchTestFrames.frame;
import static dev.portico.protocol.SearchTestFrames.header;
import static dev.portico.protocol.SearchTestFrames.hex;
import static dev.portico.protocol.SearchTestFrames.jsonRequest;
import static dev.portico.protocol.SearchTestFrames.searchRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SearchListenerIntegrationTests extends ListenerTestSupport {

	/**
	 * The reference server's answer to the morpheus request, written out by hand from the
	 * search protocol (docs/search-protocol.md).
	 */
	private static final byte[] MORPHEUS_RESPONSE = concat(hex("0067"),
			ascii("{\"byteorder\": \"little\", \"content-type\": \"text/json\", \"content-encoding\": \"utf-8\", "
					+ "\"content-length\": 43}"),
			ascii("{\"result\": \"Follow the white rabbit. "), hex("f0 9f 90 b0"), ascii("\"}"));

	@Test
	void shouldAnswerARequestSentInOneSegmentAndThenClose() throws Exception {
		Listener search = start("search-one", Keys.of("search", 0));
		try (Socket socket = Sockets.connect(search.port())) {
			socket.getOutputStream().write(MORPHEUS_REQUEST);
			assertThat(socket.getInputStream().readAllBytes()).isEqualTo(MORPHEUS_RESPONSE);
		}
	}

	@Test
	void shouldAnswerARequestSentOneByteAtATime() throws Exception {
		Listener search = start("search-bytes", Keys.of("search", 0));
		try (Socket socket = Sockets.connect(search.port())) {
			OutputStream out = socket.getOutputStream();
			for (byte b : MORPHEUS_REQUEST) {
				out.write(b);
				out.flush();
			}
			assertThat(socket.getInputStream().readAllBytes()).isEqualTo(MORPHEUS_RESPONSE);
		}
	}

	@Test
	void shouldAnswerPipelinedRequestsInOrderWithKeepAlive() throws Exception {
		Listener search = start("search-pipe", keepAlive());
		try (Socket socket = Sockets.connect(search.port())) {
			socket.getOutputStream().write(concat(MORPHEUS_REQUEST, searchRequest("ring"), searchRequest("nope")));
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			List<SearchMessage> answers = readMessages(socket.getInputStream(), decoder, 3);
			assertThat(results(answers)).containsExactly("{\"result\": \"Follow the white rabbit. \uD83D\uDC30\"}",
					"{\"result\": \"In the caves beneath the Misty Mountains. \uD83D\uDC8D\"}",
					"{\"result\": \"No match for 'nope'.\"}");
			// the connection stays open for more
			socket.getOutputStream().write(MORPHEUS_REQUEST);
			assertThat(results(readMessages(socket.getInputStream(), decoder, 1)))
				.containsExactly("{\"result\": \"Follow the white rabbit. \uD83D\uDC30\"}");
		}
		// a write is counted once it has returned, a moment after the peer may have read
		// it
		await().atMost(5, TimeUnit.SECONDS).until(() -> search.stats().messagesSent() == 4);
		assertThat(search.stats().messagesReceived()).isEqualTo(4);
	}

	@ParameterizedTest
	@ValueSource(strings = { "zero-header", "not-json", "not-object", "missing-key", "negative-length", "huge-length",
			"fractional-length", "unknown-charset", "content-not-object" })
	void shouldAnswerBadInputWithOneErrorFrameThenCloseWhileOthersAreServed(String fault) throws Exception {
		Listener search = start("search-bad", keepAlive());
		byte[] request = switch (fault) {
			case "zero-header" -> hex("0000");
			case "not-json" -> frame(ascii("{not json"), new byte[0]);
			case "not-object" -> frame(ascii("[1, 2]"), new byte[0]);
			case "missing-key" ->
				frame(ascii("{\"byteorder\": \"little\", \"content-type\": \"text/json\", " + "\"content-length\": 2}"),
						ascii("{}"));
			case "negative-length" -> frame(header("text/json", "utf-8", -1), new byte[0]);
			// declared but never sent: the answer must not wait for the content
			case "huge-length" -> frame(header("text/json", "utf-8", 1_000_000_000_000L), new byte[0]);
			case "fractional-length" -> frame(ascii("{\"byteorder\": \"little\", \"content-type\": \"text/json\", "
					+ "\"content-encoding\": \"utf-8\", \"content-length\": 1.5}"), new byte[0]);
			case "unknown-charset" -> frame(header("text/json", "klingon-8", 2), ascii("{}"));
			case "content-not-object" -> jsonRequest(ascii("[\"search\"]"));
			default -> throw new IllegalArgumentException(fault);
		};
		try (Socket bad = Sockets.connect(search.port()); Socket good = Sockets.connect(search.port())) {
			bad.setSoTimeout(1000);
			bad.getOutputStream().write(request);
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			List<SearchMessage> answer = readMessages(bad.getInputStream(), decoder, 1);
			assertThat(new String(answer.get(0).content(), StandardCharsets.UTF_8)).startsWith("{\"error\": \"");
			assertThat(bad.getInputStream().read()).isEqualTo(-1);
			good.getOutputStream().write(MORPHEUS_REQUEST);
			assertThat(results(readMessages(good.getInputStream(), new SearchFrameDecoder(), 1))).hasSize(1);
		}
		assertThat(search.stats().errorsTotal()).isEqualTo(1);
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void shouldLogThatATruncatedRequestWasClosedWithoutAnAnswer(CapturedOutput output) throws Exception {
		Listener search = start("search-cut", Keys.of("search", 0));
		try (Socket socket = Sockets.connect(search.port())) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(MORPHEUS_REQUEST, 0, 5);
			socket.shutdownOutput();
			assertThat(socket.getInputStream().read()).as("no answer").isEqualTo(-1);
		}
		try (Socket socket = Sockets.connect(search.port())) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(hex("0000"));
			assertThat(socket.getInputStream().readAllBytes()).as("an error frame").isNotEmpty();
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> output.getAll().contains("(zero-header-length); answered with an error and closed"));
		assertThat(output.getAll()).contains("(truncated-frame); closed without an answer")
			.doesNotContain("(truncated-frame); answered");
	}

	@Test
	void shouldCloseAClientThatTricklesAFrameAfterTheFrameTimeout() throws Exception {
		Listener search = start("search-slow", Keys.of("search", 0, "frame-timeout", "700ms", "keep-alive", true));
		try (Socket socket = Sockets.connect(search.port())) {
			OutputStream out = socket.getOutputStream();
			out.write(MORPHEUS_REQUEST, 0, 5);
			long started = System.nanoTime();
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(500L, 5000L);
		}
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> search.stats().errorsByKind().getOrDefault("frame-timeout", 0L) == 1L);
	}

	@Test
	void shouldServe200KeepAliveClientsWith100RequestsEach() throws Exception {
		Listener search = start("search-load", keepAlive());
		int clients = 200;
		int requests = 100;
		ExecutorService pool = Executors.newFixedThreadPool(50);
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < clients; i++) {
				sockets.add(Sockets.connect(search.port()));
			}
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				Socket socket = sockets.get(c);
				int id = c;
				done.add(pool.submit(() -> {
					SearchFrameDecoder decoder = new SearchFrameDecoder();
					for (int r = 0; r < requests; r++) {
						boolean hit = (id + r) % 2 == 0;
						socket.getOutputStream().write(hit ? MORPHEUS_REQUEST : searchRequest("q" + id + "-" + r));
						String expected = hit ? "{\"result\": \"Follow the white rabbit. \uD83D\uDC30\"}"
								: "{\"result\": \"No match for 'q" + id + "-" + r + "'.\"}";
						assertThat(results(readMessages(socket.getInputStream(), decoder, 1)))
							.containsExactly(expected);
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> search.stats().messagesSent() == (long) clients * requests);
		assertThat(search.stats().errorsTotal()).isZero();
	}

	private static Map<String, Object> keepAlive() {
		return Keys.of("search", 0, "keep-alive", true);
	}

	private static List<SearchMessage> readMessages(InputStream in, SearchFrameDecoder decoder, int count)
			throws IOException {
		List<SearchMessage> messages = new ArrayList<>();
		byte[] buffer = new byte[4096];
		while (messages.size() < count) {
			int n = in.read(buffer);
			if (n < 0) {
				throw new IOException("Connection closed after " + messages.size() + " of " + count + " answers");
			}
			try {
				messages.addAll(decoder.decode(buffer, 0, n));
			}
			catch (Exception ex) {
				throw new IOException(ex);
			}
		}
		return messages;
	}

	private static List<String> results(List<SearchMessage> messages) {
		return messages.stream().map((m) -> new String(m.content(), StandardCharsets.UTF_8)).toList();
	}

}
