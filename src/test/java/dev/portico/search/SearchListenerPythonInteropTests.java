package dev.portico.search;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;

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

/**
 * Portico's search listener against the Python side: the same requests sent to
 * {@code reference_server.py} (the reference tutorial server's response logic) and to
 * Portico must come back byte-identical, and {@code search_client.py} (the tutorial's
 * client) must read Portico's answers. Skipped where python3 is not installed.
 */
class SearchListenerPythonInteropTests extends ListenerTestSupport {

	private static final Path PYTHON_DIR = Path.of("src", "test", "python");

	private static final Pattern LISTENING = Pattern.compile("listening on .*:(\\d+)");

	private static Process referenceServer;

	private static final AtomicInteger referencePort = new AtomicInteger();

	@BeforeAll
	static void startServers() throws IOException {
		assertThat(pythonAvailable())
			.as("python3 is needed for the interop tests: install it (Debian: apt-get install python3)")
			.isTrue();
		referenceServer = new ProcessBuilder("python3", PYTHON_DIR.resolve("reference_server.py").toString(),
				"127.0.0.1", "0", "--quiet")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		Thread reader = new Thread(() -> readPort(referenceServer.getInputStream()), "reference-server-stdout");
		reader.setDaemon(true);
		reader.start();

		await().atMost(Duration.ofSeconds(20)).until(() -> referencePort.get() > 0);
	}

	@AfterAll
	static void stopServers() throws Exception {
		if (referenceServer != null) {
			referenceServer.destroy();
			referenceServer.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static boolean pythonAvailable() {
		try {
			Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void readPort(InputStream stdout) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				Matcher matcher = LISTENING.matcher(line);
				if (matcher.matches()) {
					referencePort.set(Integer.parseInt(matcher.group(1)));
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private static byte[] exchange(int port, byte[] request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request);
			socket.getOutputStream().flush();
			return socket.getInputStream().readAllBytes();
		}
	}

	@Test
	void shouldAnswerLikeTheReferenceServerWhenRequestsAreValid() throws IOException {
		int port = start("search-interop", Keys.of("search", 0)).port();
		byte[] dog = jsonRequest(
				concat(ascii("{\"action\": \"search\", \"value\": \""), hex("f0 9f 90 b6"), ascii("\"}")));
		byte[] special = jsonRequest(concat(ascii("{\"action\": \"search\", \"value\": \"a\\\"b\\\\c\\n\\u0001"),
				hex("7f e2 80 a8 c3 a9"), ascii("\"}")));
		List<byte[]> requests = List.of(MORPHEUS_REQUEST, searchRequest("ring"), dog, searchRequest("nothing"),
				searchRequest(""), jsonRequest(ascii("{\"action\": \"find\", \"value\": \"x\"}")), special,
				frame(header("binary/custom-client-binary-type", "binary", 14), ascii("searchmorpheus")),
				frame(header("binary/x", "binary", 3), hex("00 ff 0a")),
				frame(header("binary/x", "binary", 0), new byte[0]));
		for (byte[] request : requests) {
			byte[] fromPython = exchange(referencePort.get(), request);
			byte[] fromJava = exchange(port, request);
			assertThat(fromPython).as("reference answered %s", new String(request, StandardCharsets.UTF_8))
				.isNotEmpty();
			assertThat(fromJava).as("request %s", new String(request, StandardCharsets.UTF_8)).isEqualTo(fromPython);
		}
	}

	@Test
	void shouldPrintResultWhenPythonClientAsksPortico() throws Exception {
		this.port = start("search-client", Keys.of("search", 0)).port();
		assertThat(runClient("search", "morpheus")).isEqualTo("Follow the white rabbit. \uD83D\uDC30");
		if ("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
			// Command-line arguments carry the emoji only when the JVM's platform
			// encoding is UTF-8.
			assertThat(runClient("search", "\uD83D\uDC36")).isEqualTo("\uD83D\uDC3E Playing ball! \uD83C\uDFD0");
		}
		assertThat(runClient("search", "ring")).isEqualTo("In the caves beneath the Misty Mountains. \uD83D\uDC8D");
		assertThat(runClient("search", "nothing")).isEqualTo("No match for 'nothing'.");
		assertThat(runClient("binary", "morpheus")).isEqualTo("b'First 10 bytes of request: binarymorp'");
	}

	private int port;

	private String runClient(String action, String value) throws Exception {
		Process client = new ProcessBuilder("python3", PYTHON_DIR.resolve("search_client.py").toString(), "127.0.0.1",
				String.valueOf(this.port), action, value)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		byte[] stdout = client.getInputStream().readAllBytes();
		assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
		assertThat(client.exitValue()).isZero();
		return new String(stdout, StandardCharsets.UTF_8).strip();
	}

}
