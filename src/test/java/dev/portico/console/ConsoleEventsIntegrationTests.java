package dev.portico.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.portico.console.SseTestClient.Event;
import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's event stream against a running Portico with listeners on free loopback
 * ports.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		"portico.api.password=console-secret", "portico.listeners.echo.port=0", "portico.listeners.echo.bind=127.0.0.1",
		"portico.listeners.multiconn.port=0", "portico.listeners.multiconn.bind=127.0.0.1",
		"portico.listeners.udp.port=0", "portico.listeners.udp.bind=127.0.0.1", "portico.listeners.search.port=0",
		"portico.listeners.search.bind=127.0.0.1", "portico.console.max-streams=3", "portico.console.ping=300ms" })
class ConsoleEventsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	private int httpPort;

	@Autowired
	private ConsoleEvents consoleEvents;

	private HttpTestClient anonymous;

	private HttpTestClient operator;

	private final List<SseTestClient> streams = new ArrayList<>();

	private final List<Socket> sockets = new ArrayList<>();

	@BeforeEach
	void clients() {
		this.anonymous = new HttpTestClient(this.httpPort);
		this.operator = this.anonymous.withCredentials("admin", "console-secret");
		// streams of the previous test end once the server notices their clients left
		await().atMost(WAIT).until(() -> this.consoleEvents.placesTaken() == 0);
	}

	@AfterEach
	void close() throws IOException {
		this.streams.forEach(SseTestClient::close);
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.operator.delete("/api/listeners/batch");
	}

	@Test
	void shouldSendEveryListenersFiguresOncePerSecondShapedAsTheListenersApi() {
		SseTestClient stream = open();
		await().atMost(WAIT).until(() -> stream.events("listeners").size() >= 6);
		List<Event> figures = stream.events("listeners");
		// the first comes at once with the history; then one a second from the scheduler
		assertThat(stream.events().get(0).name()).isEqualTo("history");
		List<Event> live = figures.subList(1, figures.size());
		for (int i = 1; i < live.size(); i++) {
			long apart = Long.parseLong(live.get(i).id()) - Long.parseLong(live.get(i - 1).id());
			assertThat(apart).as("milliseconds between two figure snapshots").isBetween(900L, 1100L);
		}
		double seconds = (live.get(live.size() - 1).receivedNanos() - live.get(0).receivedNanos()) / 1e9;
		assertThat((live.size() - 1) / seconds).as("figure events per second received").isBetween(0.8, 1.25);

		JsonNode event = figures.get(figures.size() - 1).json();
		JsonNode api = this.anonymous.json("/api/listeners");
		assertThat(names(event)).containsExactlyInAnyOrder("echo", "multiconn", "search", "udp");
		assertThat(names(event)).isEqualTo(names(api));
		for (int i = 0; i < api.size(); i++) {
			assertThat(fieldPaths(event.get(i), "")).isEqualTo(fieldPaths(api.get(i), ""));
		}
		assertThat(event.get(0).path("state").asString()).isEqualTo("RUNNING");
		assertThat(event.get(0).path("port").asInt()).isPositive();
	}

	@Test
	void shouldAnswerWithHeadersThatKeepProxiesFromBufferingAndPingWhenIdle() {
		SseTestClient stream = open();
		HttpResponse<InputStream> response = stream.response();
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((value) -> assertThat(value).contains("no-cache"));
		await().atMost(WAIT).until(() -> stream.comments().size() >= 3);
		assertThat(stream.comments()).allMatch("ping"::equals);
		// the first event advises how long to wait before reconnecting
		assertThat(stream.events().get(0).name()).isEqualTo("history");
	}

	@Test
	void shouldBatchConnectionChangesWhenManyConnectionsOpenAndClose() throws IOException {
		HttpResponse<String> created = this.operator.postJson("/api/listeners",
				"{\"name\": \"batch\", \"type\": \"echo\", \"port\": 0, \"bind\": \"127.0.0.1\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		int port = HttpTestClient.parse(created.body()).path("port").asInt();
		SseTestClient stream = open();
		await().atMost(WAIT).until(() -> !stream.events("listeners").isEmpty());

		long started = System.nanoTime();
		int count = 300;
		for (int i = 0; i < count; i++) {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			this.sockets.add(socket);
		}
		await().atMost(WAIT).until(() -> sum(stream, "batch", "opened") == count);
		double elapsedSeconds = (System.nanoTime() - started) / 1e9;
		List<JsonNode> batches = changesOf(stream, "batch");
		// one event per look (every 250 ms) at most, whatever the number of connections
		assertThat(batches.size()).as("change events for %d connections in %.1f s", count, elapsedSeconds)
			.isLessThanOrEqualTo((int) (elapsedSeconds * 4) + 2)
			.isLessThan(count / 10);
		assertThat(batches.get(batches.size() - 1).path("active").asInt()).isEqualTo(count);

		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.sockets.clear();
		await().atMost(WAIT).until(() -> sum(stream, "batch", "closed") == count);
		assertThat(changesOf(stream, "batch").get(changesOf(stream, "batch").size() - 1).path("active").asInt())
			.isZero();

		assertThat(this.operator.post("/api/listeners/batch/stop").statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> stateChanges(stream).contains("batch:RUNNING>STOPPED"));
		assertThat(this.operator.delete("/api/listeners/batch").statusCode()).isEqualTo(204);
		await().atMost(WAIT)
			.until(() -> stream.events("change")
				.stream()
				.anyMatch((event) -> event.json().path("removed").toString().contains("\"batch\"")));
	}

	@Test
	void shouldRefuseStreamsPastTheCapAndAcceptOnceOneCloses() throws IOException {
		SseTestClient first = open();
		open();
		open();
		HttpResponse<InputStream> refused = SseTestClient.request(this.httpPort);
		String body;
		try (InputStream in = refused.body()) {
			body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(body).contains("portico.console.max-streams");
		assertThat(this.consoleEvents.placesTaken()).isEqualTo(3);

		first.close();
		// the server notices at its next write (a ping every 300 ms here) and frees the
		// place
		await().atMost(WAIT).until(() -> this.consoleEvents.placesTaken() == 2);
		SseTestClient again = open();
		await().atMost(WAIT).until(() -> !again.events("listeners").isEmpty());
	}

	@Test
	void shouldAnswer401WithoutABasicChallengeWhenTheConsoleAsks() {
		HttpResponse<String> fromConsole = postAsConsole("/api/listeners/echo/stop");
		assertThat(fromConsole.statusCode()).isEqualTo(401);
		assertThat(fromConsole.headers().firstValue("WWW-Authenticate")).isEmpty();
		HttpResponse<String> fromCurl = this.anonymous.post("/api/listeners/echo/stop");
		assertThat(fromCurl.statusCode()).isEqualTo(401);
		assertThat(fromCurl.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"portico\"");
	}

	@Test
	void shouldServeThePageItsScriptsAndTheChartLibraryWithoutCredentials() {
		assertThat(this.anonymous.get("/").body()).contains("listener-template", "console/app.js");
		assertThat(this.anonymous.get("/console/app.js").statusCode()).isEqualTo(200);
		assertThat(this.anonymous.get("/webjars/uplot/dist/uPlot.esm.js").statusCode()).isEqualTo(200);
		JsonNode info = this.anonymous.json("/api/console");
		assertThat(info.path("openReads").asBoolean()).isTrue();
		// cluster mode is not in this build: the page must not probe /api/cluster
		assertThat(info.path("cluster").asBoolean()).isFalse();
	}

	private HttpResponse<String> postAsConsole(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
			.header("X-Requested-With", "XMLHttpRequest")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private SseTestClient open() {
		SseTestClient stream = SseTestClient.open(this.httpPort);
		this.streams.add(stream);
		return stream;
	}

	private static List<String> names(JsonNode listeners) {
		List<String> names = new ArrayList<>();
		listeners.forEach((listener) -> names.add(listener.path("name").asString()));
		return names;
	}

	/** Every field path of an object, so two documents can be compared by shape. */
	private static Set<String> fieldPaths(JsonNode node, String prefix) {
		Set<String> paths = new HashSet<>();
		for (String name : node.propertyNames()) {
			JsonNode child = node.get(name);
			paths.add(prefix + name);
			// maps keyed by reason or kind change with traffic: compare their presence
			// only
			if (child.isObject() && !name.endsWith("ByReason") && !name.endsWith("ByKind")) {
				paths.addAll(fieldPaths(child, prefix + name + "."));
			}
		}
		return paths;
	}

	private static List<JsonNode> changesOf(SseTestClient stream, String listener) {
		List<JsonNode> changes = new ArrayList<>();
		for (Event event : stream.events("change")) {
			for (JsonNode change : event.json().path("connections")) {
				if (change.path("listener").asString().equals(listener)) {
					changes.add(change);
				}
			}
		}
		return changes;
	}

	private static long sum(SseTestClient stream, String listener, String field) {
		return changesOf(stream, listener).stream().mapToLong((change) -> change.path(field).asLong()).sum();
	}

	private static List<String> stateChanges(SseTestClient stream) {
		List<String> changes = new ArrayList<>();
		for (Event event : stream.events("change")) {
			for (JsonNode change : event.json().path("states")) {
				changes.add(change.path("listener").asString() + ":" + change.path("from").asString() + ">"
						+ change.path("to").asString());
			}
		}
		return changes;
	}

}
