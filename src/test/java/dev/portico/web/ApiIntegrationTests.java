package dev.portico.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API, Actuator and metrics against a running Portico with listeners on free loopback
 * ports.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "portico.api.password=it-secret", "portico.listeners.echo.port=0",
				"portico.listeners.echo.bind=127.0.0.1", "portico.listeners.multiconn.port=0",
				"portico.listeners.multiconn.bind=127.0.0.1", "portico.listeners.udp.port=0",
				"portico.listeners.udp.bind=127.0.0.1", "portico.listeners.search.port=0",
				"portico.listeners.search.bind=127.0.0.1" })
class ApiIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** A copy of the shipped search index, so changes made here never touch config/. */
	private static final Path INDEX = copyIndex();

	@LocalServerPort
	private int httpPort;

	private HttpTestClient anonymous;

	private HttpTestClient operator;

	private final List<Socket> sockets = new ArrayList<>();

	private final List<String> created = new ArrayList<>();

	@DynamicPropertySource
	static void searchIndex(DynamicPropertyRegistry registry) {
		registry.add("portico.search.data-dir", () -> INDEX.getParent().toString());
	}

	@BeforeEach
	void clients() {
		this.anonymous = new HttpTestClient(this.httpPort);
		this.operator = this.anonymous.withCredentials("admin", "it-secret");
	}

	@AfterEach
	void cleanUp() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		for (String name : this.created) {
			this.operator.delete("/api/listeners/" + name);
		}
	}

	@Test
	void shouldCountConnectionsExactlyWhenClientsConnectAndClose() throws IOException {
		int port = create("count", "multiconn", "{}");
		for (int i = 0; i < 37; i++) {
			connect(port);
		}
		awaitActive("count", 37);
		awaitPrometheus("portico_connections_active{listener=\"count\",type=\"multiconn\"} 37.0");
		for (int i = 0; i < 10; i++) {
			this.sockets.remove(0).close();
		}
		awaitActive("count", 27);
		awaitPrometheus("portico_connections_active{listener=\"count\",type=\"multiconn\"} 27.0");
		assertThat(prometheus())
			.contains("portico_connections_accepted_total{listener=\"count\",type=\"multiconn\"} 37.0");
		assertThat(this.anonymous.json("/api/listeners/count/connections").size()).isEqualTo(27);
	}

	@Test
	void shouldDeliverPushAndBroadcastExactlyOnceWhenMulticonnHasClients() throws IOException {
		int port = create("push", "multiconn", "{}");
		Socket first = connect(port);
		Socket second = connect(port);
		Socket third = connect(port);
		awaitActive("push", 3);
		Map<Integer, String> idsByClientPort = new HashMap<>();
		for (JsonNode connection : this.anonymous.json("/api/listeners/push/connections")) {
			String remote = connection.path("remoteAddress").asString();
			idsByClientPort.put(Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1)),
					connection.path("id").asString());
		}
		String firstId = idsByClientPort.get(first.getLocalPort());
		HttpResponse<String> pushed = this.operator.postText("/api/listeners/push/connections/" + firstId + "/messages",
				"one\n");
		assertThat(pushed.statusCode()).isEqualTo(202);
		HttpResponse<String> broadcast = this.operator.postText("/api/listeners/push/broadcast", "all\n");
		assertThat(broadcast.statusCode()).isEqualTo(202);
		assertThat(HttpTestClient.parse(broadcast.body()).path("queued").asInt()).isEqualTo(3);
		assertThat(read(first, 8)).isEqualTo("one\nall\n");
		assertThat(read(second, 4)).isEqualTo("all\n");
		assertThat(read(third, 4)).isEqualTo("all\n");
		// every byte the server wrote has been read above: any duplicate would show in
		// the totals
		JsonNode status = this.anonymous.json("/api/listeners/push");
		assertThat(status.path("bytes").path("sent").asLong()).isEqualTo(16);
		assertThat(status.path("messages").path("sent").asLong()).isEqualTo(4);
		assertThat(status.path("queue").path("bytes").asLong()).isZero();
		assertThat(this.operator.postText("/api/listeners/push/connections/nope/messages", "x").statusCode())
			.isEqualTo(404);
	}

	@Test
	void shouldReportQueuedBytesWhenClientSendsButDoesNotRead() throws IOException {
		int port = create("slow", "multiconn", "{}");
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		this.sockets.add(socket);
		Thread writer = new Thread(() -> {
			byte[] chunk = new byte[64 * 1024];
			try {
				OutputStream out = socket.getOutputStream();
				for (int i = 0; i < 256; i++) {
					out.write(chunk);
				}
			}
			catch (IOException ex) {
				// the test closed the socket, or the server gave up on this client
			}
		}, "client-that-does-not-read");
		writer.setDaemon(true);
		writer.start();
		await().atMost(WAIT)
			.until(() -> this.anonymous.json("/api/listeners/slow").path("queue").path("bytes").asLong() > 0);
		assertThat(this.anonymous.json("/api/listeners/slow/connections").get(0).path("queuedBytes").asLong())
			.isPositive();
		await().atMost(WAIT).until(() -> gauge("portico_queue_bytes{listener=\"slow\",type=\"multiconn\"}") > 0);
	}

	@Test
	void shouldManageListenerLifecycleAndConnectionsWhenOperatorCallsApi() throws IOException {
		HttpResponse<String> created = this.operator.postJson("/api/listeners",
				"{\"name\":\"life\",\"type\":\"echo\",\"port\":0,\"bind\":\"127.0.0.1\",\"options\":{\"autostart\":false}}");
		this.created.add("life");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.headers().firstValue("Location")).hasValue("/api/listeners/life");
		assertThat(HttpTestClient.parse(created.body()).path("state").asString()).isEqualTo("STOPPED");
		JsonNode started = HttpTestClient.parse(expect(200, this.operator.post("/api/listeners/life/start")));
		assertThat(started.path("state").asString()).isEqualTo("RUNNING");
		int port = started.path("port").asInt();
		assertThat(port).isPositive();
		JsonNode again = HttpTestClient.parse(expect(200, this.operator.post("/api/listeners/life/start")));
		assertThat(again.path("port").asInt()).isEqualTo(port);

		Socket socket = connect(port);
		socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
		assertThat(read(socket, 4)).isEqualTo("ping");
		awaitPrometheus("portico_bytes_received_bytes_total{listener=\"life\",type=\"echo\"} 4.0");
		String id = this.anonymous.json("/api/listeners/life/connections").get(0).path("id").asString();
		expect(204, this.operator.delete("/api/listeners/life/connections/" + id));
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
		expect(404, this.operator.delete("/api/listeners/life/connections/" + id));

		assertThat(HttpTestClient.parse(expect(200, this.operator.post("/api/listeners/life/stop")))
			.path("state")
			.asString()).isEqualTo("STOPPED");
		assertThat(HttpTestClient.parse(expect(200, this.operator.post("/api/listeners/life/stop")))
			.path("state")
			.asString()).isEqualTo("STOPPED");
		expect(204, this.operator.delete("/api/listeners/life"));
		expect(404, this.anonymous.get("/api/listeners/life"));
		expect(404, this.operator.delete("/api/listeners/life"));
		expect(404, this.operator.post("/api/listeners/life/start"));
	}

	@Test
	void shouldAnswerProblemsWhenNamePortOrBindConflict() throws IOException {
		int fixedPort;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			fixedPort = probe.getLocalPort();
		}
		create("fixed", "echo", "{}", fixedPort);
		String dupName = expect(409, this.operator.postJson("/api/listeners",
				"{\"name\":\"fixed\",\"type\":\"echo\",\"port\":0,\"bind\":\"127.0.0.1\"}"));
		assertThat(HttpTestClient.parse(dupName).path("detail").asString()).contains("'fixed' exists");
		String dupPort = expect(409, this.operator.postJson("/api/listeners",
				"{\"name\":\"fixed-2\",\"type\":\"multiconn\",\"port\":" + fixedPort + ",\"bind\":\"127.0.0.1\"}"));
		assertThat(HttpTestClient.parse(dupPort).path("detail").asString()).contains("port " + fixedPort);

		try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int held = holder.getLocalPort();
			String refused = expect(409, this.operator.postJson("/api/listeners",
					"{\"name\":\"held\",\"type\":\"echo\",\"port\":" + held + ",\"bind\":\"127.0.0.1\"}"));
			assertThat(HttpTestClient.parse(refused).path("detail").asString()).contains(":" + held + "/tcp");
			expect(404, this.anonymous.get("/api/listeners/held"));

			expect(201, this.operator.postJson("/api/listeners", "{\"name\":\"held\",\"type\":\"echo\",\"port\":" + held
					+ ",\"bind\":\"127.0.0.1\",\"options\":{\"autostart\":false}}"));
			this.created.add("held");
			JsonNode problem = HttpTestClient.parse(expect(409, this.operator.post("/api/listeners/held/start")));
			assertThat(problem.path("detail").asString()).contains(":" + held + "/tcp");
			assertThat(problem.path("listener").path("state").asString()).isEqualTo("FAILED");
			assertThat(this.anonymous.json("/api/listeners/held").path("failure").asString()).contains(":" + held);
			expect(204, this.operator.delete("/api/listeners/held"));
		}
		String malformed = expect(400, this.operator.postJson("/api/listeners", "{\"name\": \"x\","));
		assertThat(HttpTestClient.parse(malformed).path("detail").asString()).contains("could not be read");
		expect(400, this.operator.postJson("/api/listeners", "{\"name\":\"x\",\"type\":\"ftp\"}"));
		expect(409, this.operator.postText("/api/listeners/echo/broadcast", "x"));
	}

	@Test
	void shouldRefuseChangesWithoutCredentialsAndChangeNothing() {
		expect(401, this.anonymous.postJson("/api/listeners",
				"{\"name\":\"sneaky\",\"type\":\"echo\",\"port\":0,\"bind\":\"127.0.0.1\"}"));
		expect(404, this.anonymous.get("/api/listeners/sneaky"));
		expect(401, this.anonymous.delete("/api/listeners/echo"));
		expect(401, this.anonymous.post("/api/listeners/echo/stop"));
		expect(401, this.anonymous.withCredentials("admin", "wrong").post("/api/listeners/echo/stop"));
		expect(401, this.anonymous.postJson("/actuator/listeners/echo", "{\"state\":\"STOPPED\"}"));
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("RUNNING");

		// the Actuator endpoint is read-only: listeners change through /api only
		expect(405, this.operator.postJson("/actuator/listeners/echo", "{\"state\":\"STOPPED\"}"));
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("RUNNING");
		JsonNode stopped = HttpTestClient.parse(expect(200, this.operator.post("/api/listeners/echo/stop")));
		assertThat(stopped.path("state").asString()).isEqualTo("STOPPED");
		assertThat(this.anonymous.json("/actuator/listeners/echo").path("state").asString()).isEqualTo("STOPPED");
		// an operator-stopped listener is not a fault
		assertThat(this.anonymous.json("/actuator/health/readiness").path("status").asString()).isEqualTo("UP");
		expect(200, this.operator.post("/api/listeners/echo/start"));
		assertThat(this.anonymous.json("/api/listeners/echo").path("state").asString()).isEqualTo("RUNNING");
		expect(404, this.anonymous.get("/actuator/listeners/nope"));
	}

	@Test
	void shouldCountRejectionsByReasonAndDropMetersWhenListenerIsDeleted() throws IOException {
		int port = create("tiny", "multiconn", "{\"max-connections\":1}");
		connect(port);
		awaitActive("tiny", 1);
		connect(port);
		await().atMost(WAIT)
			.until(() -> this.anonymous.json("/api/listeners/tiny")
				.path("connections")
				.path("rejectedByReason")
				.path("max-connections")
				.asLong() == 1);
		awaitPrometheus(
				"portico_connections_rejected_total{listener=\"tiny\",reason=\"max-connections\",type=\"multiconn\"} 1.0");
		expect(204, this.operator.delete("/api/listeners/tiny"));
		this.created.remove("tiny");
		await().atMost(WAIT).until(() -> !prometheus().contains("listener=\"tiny\""));
	}

	@Test
	void shouldExposeListenersInActuatorInfoAndOpenApi() {
		JsonNode listeners = this.anonymous.json("/actuator/listeners").path("listeners");
		assertThat(listeners.path("echo").path("port").asInt()).isPositive();
		JsonNode info = this.anonymous.json("/actuator/info");
		assertThat(info.path("build").path("version").asString()).isNotEmpty();
		assertThat(info.path("listeners").path("multiconn").path("port").asInt())
			.isEqualTo(this.anonymous.json("/api/listeners/multiconn").path("port").asInt());
		assertThat(
				this.anonymous.json("/actuator/health").path("components").path("listeners").path("status").asString())
			.isEqualTo("UP");
		assertThat(this.anonymous.get("/v3/api-docs").body()).contains("/api/listeners/{name}/broadcast");
		expect(200, this.anonymous.get("/actuator/metrics/portico.connections.active"));
	}

	@Test
	void shouldChangeSearchIndexAndWriteItBackWhenKeyIsPercentEncodedEmoji() throws IOException {
		String rabbit = "\uD83D\uDC30";
		String path = "/api/search/entries/%F0%9F%90%B0";
		expect(404, this.anonymous.get(path));
		expect(401, this.anonymous.putText(path, "no"));
		JsonNode created = HttpTestClient.parse(expect(201, this.operator.putText(path, "Down the hole \u2728")));
		assertThat(created.path("key").asString()).isEqualTo(rabbit);
		assertThat(this.anonymous.json(path).path("value").asString()).isEqualTo("Down the hole \u2728");
		expect(200, this.operator.putJson(path, "{\"value\": \"Again\"}"));
		assertThat(this.anonymous.json("/api/search/entries").path(rabbit).asString()).isEqualTo("Again");
		assertThat(Files.readString(INDEX)).contains("\"" + rabbit + "\": \"Again\"");
		expect(204, this.operator.delete(path));
		expect(404, this.operator.delete(path));
		assertThat(this.anonymous.json("/api/search/entries/%F0%9F%90%B6").path("value").asString())
			.startsWith("\uD83D\uDC3E Playing ball!");
	}

	private int create(String name, String type, String options) {
		return create(name, type, options, 0);
	}

	private int create(String name, String type, String options, int port) {
		String body = expect(201, this.operator.postJson("/api/listeners", "{\"name\":\"" + name + "\",\"type\":\""
				+ type + "\",\"port\":" + port + ",\"bind\":\"127.0.0.1\",\"options\":" + options + "}"));
		this.created.add(name);
		return HttpTestClient.parse(body).path("port").asInt();
	}

	private Socket connect(int port) throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
		socket.setSoTimeout(10_000);
		this.sockets.add(socket);
		return socket;
	}

	private static String read(Socket socket, int length) throws IOException {
		InputStream in = socket.getInputStream();
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	private void awaitActive(String listener, int active) {
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					this.anonymous.json("/api/listeners/" + listener).path("connections").path("active").asInt())
				.isEqualTo(active));
	}

	private void awaitPrometheus(String line) {
		await().atMost(WAIT).untilAsserted(() -> assertThat(prometheus()).contains(line));
	}

	private String prometheus() {
		return expect(200, this.anonymous.get("/actuator/prometheus"));
	}

	private double gauge(String series) {
		Matcher matcher = Pattern.compile(Pattern.quote(series) + " (\\S+)").matcher(prometheus());
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
	}

	private static Path copyIndex() {
		try {
			Path file = Files.createTempDirectory("portico-api-index").resolve("search-index.json");
			Files.copy(Path.of("config/search-index.json"), file);
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String expect(int status, HttpResponse<String> response) {
		assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.uri(), response.body())
			.isEqualTo(status);
		return response.body();
	}

}
