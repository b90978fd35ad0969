package dev.portico.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.support.HttpTestClient;
import dev.portico.support.RawHttp;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded input at the API: bodies (JSON too) capped before they are read whole, problem
 * details that never echo unbounded input nor name Java internals, and values that could
 * overflow or look up names refused before anything binds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=it-secret",
				"management.endpoints.web.exposure.include=health,listeners" })
class ApiInputLimitsIntegrationTests {

	/** What a problem must never show: Java packages, classes, method signatures. */
	private static final Pattern INTERNALS = Pattern
		.compile("dev\\.portico|java\\.|jakarta\\.|org\\.springframework|tools\\.jackson|com\\.fasterxml|\\w\\(\\)|`");

	@TempDir
	static Path dataDir;

	@LocalServerPort
	private int port;

	private HttpTestClient operator;

	@DynamicPropertySource
	static void searchIndex(DynamicPropertyRegistry registry) {
		registry.add("portico.search.data-dir", () -> dataDir.toString());
	}

	@BeforeEach
	void client() {
		this.operator = new HttpTestClient(this.port).withCredentials("admin", "it-secret");
	}

	@Test
	void shouldRefuseAJsonBodyOverTheCapBeforeReadingIt() throws IOException {
		// 5 MB declared, 1 KB sent: the answer comes without the rest of the body
		try (Socket socket = Sockets.connect(this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("PUT /api/search/entries/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Authorization: " + RawHttp.basic("admin", "it-secret") + "\r\nContent-Length: 5242880\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(("{\"value\": \"" + "x".repeat(1024)).getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
			assertThat(status).isEqualTo("HTTP/1.1 413");
		}
		assertThat(this.operator.get("/api/search/entries/big").statusCode()).isEqualTo(404);
	}

	@Test
	void shouldRefuseAChunkedJsonBodyOnceItPassesTheCap() throws Exception {
		byte[] body = ("{\"value\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/search/entries/big"))
			.header("Content-Type", "application/json")
			.header("Authorization", RawHttp.basic("admin", "it-secret"))
			.timeout(Duration.ofSeconds(30))
			// an input stream has no length: the client sends it chunked
			.PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
			.build();
		HttpResponse<String> response;
		try {
			response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			// the server may close while the client still sends: nothing was stored
			// either way
			response = null;
		}
		if (response != null) {
			assertThat(response.statusCode()).isEqualTo(413);
			assertThat(response.body()).contains("portico.api.max-body-size");
		}
		assertThat(this.operator.get("/api/search/entries/big").statusCode()).isEqualTo(404);
	}

	@Test
	void shouldNotEchoUnboundedInputInAProblem() {
		String name = "n".repeat(900_000);
		HttpResponse<String> response = this.operator.postJson("/api/listeners",
				"{\"name\":\"" + name + "\",\"type\":\"echo\",\"port\":0}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body().length()).isLessThan(2000);
		assertThat(detail(response)).contains("Invalid name 'nnnn").contains("(900000 characters)");
		HttpResponse<String> option = this.operator.postJson("/api/listeners",
				"{\"name\":\"x\",\"type\":\"echo\",\"port\":0,\"options\":{\"" + "k".repeat(500_000) + "\":1}}");
		assertThat(option.statusCode()).isEqualTo(400);
		assertThat(option.body().length()).isLessThan(2000);
	}

	@Test
	void shouldNeverShowJavaInternalsInABadRequest() {
		List<String> bodies = List.of("{\"name\":\"x\",\"type\":\"echo\",\"port\":\"abc\"}",
				"{\"name\":{\"a\":1},\"type\":\"echo\"}", "{\"name\":\"x\",\"options\":[1,2]}", "[]",
				"\"just a string\"", "{\"nam", "{\"name\":\"x\",\"type\":\"echo\",\"port\":99999999999}",
				"{\"name\":\"x\",\"type\":\"echo\",\"port\":0,\"options\":{\"idle-timeout\":\"1y\"}}",
				"{\"name\":\"x\",\"type\":\"echo\",\"port\":0,\"options\":{\"max-connections\":{\"a\":1}}}",
				"{\"name\":\"x\",\"type\":\"echo\",\"port\":0,\"options\":{\"max-connections\":\"many\"}}");
		for (String body : bodies) {
			HttpResponse<String> response = this.operator.postJson("/api/listeners", body);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(response.body()).as(body).doesNotContainPattern(INTERNALS);
		}
		HttpResponse<String> search = this.operator.putJson("/api/search/entries/k", "{\"value\": [1]}");
		assertThat(search.statusCode()).isEqualTo(400);
		assertThat(search.body()).doesNotContainPattern(INTERNALS);
	}

	@Test
	void shouldRefuseADurationThatOverflowsBeforeBindingAnything() throws IOException {
		int free = freePort();
		for (String timeout : List.of("9223372036854775807s", "106752d")) {
			HttpResponse<String> response = this.operator.postJson("/api/listeners",
					"{\"name\":\"overflow\",\"type\":\"echo\",\"port\":" + free
							+ ",\"bind\":\"127.0.0.1\",\"options\":{\"idle-timeout\":\"" + timeout + "\"}}");
			assertThat(response.statusCode()).as(timeout).isEqualTo(400);
			assertThat(detail(response)).contains("idle-timeout");
			assertThat(this.operator.get("/api/listeners/overflow").statusCode()).isEqualTo(404);
			// nothing holds the port: it binds at once
			try (ServerSocket probe = new ServerSocket(free, 1, InetAddress.getByName(Sockets.LOOPBACK))) {
				assertThat(probe.getLocalPort()).isEqualTo(free);
			}
		}
	}

	@Test
	void shouldRefuseAHostNameAsBindAddress() {
		HttpResponse<String> response = this.operator.postJson("/api/listeners",
				"{\"name\":\"named\",\"type\":\"echo\",\"port\":0,\"bind\":\"localhost\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(detail(response)).contains("bind").contains("IP address");
	}

	@Test
	void shouldRefuseInvalidUtf8InATextIndexValue() throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/search/entries/broken"))
			.header("Content-Type", "text/plain;charset=UTF-8")
			.header("Authorization", RawHttp.basic("admin", "it-secret"))
			.PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] { 'o', 'k', (byte) 0xC3, (byte) 0x28 }))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(this.operator.get("/api/search/entries/broken").statusCode()).isEqualTo(404);
	}

	@Test
	void shouldAnswerMethodNotAllowedToAnActuatorWrite() {
		assertThat(this.operator.postJson("/actuator/listeners/echo", "{\"state\":\"STOPPED\"}").statusCode())
			.isEqualTo(405);
	}

	private static String detail(HttpResponse<String> response) {
		return HttpTestClient.parse(response.body()).path("detail").asString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(Sockets.LOOPBACK))) {
			return socket.getLocalPort();
		}
	}

}
