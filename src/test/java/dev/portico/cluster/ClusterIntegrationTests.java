package dev.portico.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.core.StringRedisTemplate;

import dev.portico.support.HttpTestClient;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas in cluster mode on one real Redis: each is a Spring application context
 * of its own in this JVM, with its own HTTP port, listeners and instance id, talking to
 * the others only through Redis, as separate processes would. One JVM keeps the start
 * fast (classes loaded once, about 3 s per replica instead of 8-10 s per process on two
 * cores) and lets the tests read each replica's beans; the killed-replica test, which
 * needs a process that dies without a word, runs replicas as processes
 * ({@link ClusterKilledReplicaIntegrationTests}).
 */
@Tag("slow")
class ClusterIntegrationTests {

	private static RedisTestServer redis;

	private static final List<Replica> replicas = new ArrayList<>();

	private static Replica a;

	private static Replica b;

	private static Replica c;

	@BeforeAll
	static void startCluster() {
		redis = RedisTestServer.launch();
		a = Replica.start("a", redis.port());
		b = Replica.start("b", redis.port());
		c = Replica.start("c", redis.port());
		replicas.addAll(List.of(a, b, c));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> replicas.stream().allMatch((r) -> r.context().getBean(ClusterNode.class).isJoined())
					&& instanceIds(a).size() == 3);
	}

	@AfterAll
	static void stopCluster() {
		replicas.forEach(Replica::close);
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void shouldAnswerAChangeMadeThroughAnyReplicaOnEverySearchPortWithinOneSecond() {
		for (Replica writer : replicas) {
			String key = "neo-" + writer.id();
			String value = "The One, written through " + writer.id();
			HttpResponse<String> put = writer.operator().putText("/api/search/entries/" + key, value);
			assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
			long written = System.nanoTime();
			for (Replica reader : replicas) {
				await().atMost(Duration.ofSeconds(1))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> value.equals(SearchProbe.search(reader.port("search"), key)));
			}
			assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofSeconds(1));
			assertThat(reader(b).json("/api/search/entries/" + key).path("value").asString()).isEqualTo(value);
		}
		HttpResponse<String> deleted = c.operator().delete("/api/search/entries/neo-a");
		assertThat(deleted.statusCode()).isEqualTo(204);
		await().atMost(Duration.ofSeconds(1))
			.until(() -> replicas.stream().allMatch((r) -> r.index().get("neo-a") == null));
	}

	@Test
	void shouldSeedRedisOnceFromTheIndexFile() {
		StringRedisTemplate template = a.context().getBean(StringRedisTemplate.class);
		assertThat(template.opsForValue().get("portico:index:restored")).isEqualTo("0");
		assertThat(template.opsForHash().get("portico:index", "morpheus"))
			.isEqualTo("Follow the white rabbit. \uD83D\uDC30");
		for (Replica replica : replicas) {
			assertThat(replica.index().get("morpheus")).isEqualTo("Follow the white rabbit. \uD83D\uDC30");
		}
	}

	@Test
	void shouldPushToAConnectionHeldByAnotherReplicaAndSayWhichInstanceDeliveredIt() throws IOException {
		try (Socket client = Sockets.connect(c.port("multiconn"))) {
			String id = onlyConnection(c);
			HttpResponse<String> pushed = a.operator()
				.postText("/api/listeners/multiconn/connections/" + encode(id) + "/messages", "from a\n");
			assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(202);
			assertThat(HttpTestClient.parse(pushed.body()).path("instance").asString()).isEqualTo("c");
			assertThat(new String(Sockets.readExactly(client.getInputStream(), 7), StandardCharsets.UTF_8))
				.isEqualTo("from a\n");
		}
	}

	@Test
	void shouldAnswer404WithinTwoSecondsWhenNoLiveReplicaHoldsTheConnection() {
		long started = System.nanoTime();
		HttpResponse<String> pushed = b.operator()
			.postText("/api/listeners/multiconn/connections/nobody-has-this/messages", "x");
		assertThat(pushed.statusCode()).isEqualTo(404);
		assertThat(pushed.body()).contains("on any live replica");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		assertThat(b.operator().delete("/api/listeners/multiconn/connections/nobody-has-this").statusCode())
			.isEqualTo(404);
	}

	@Test
	void shouldCloseAConnectionHeldByAnotherReplica() throws IOException {
		try (Socket client = Sockets.connect(b.port("multiconn"))) {
			String id = onlyConnection(b);
			HttpResponse<String> closed = a.operator().delete("/api/listeners/multiconn/connections/" + encode(id));
			assertThat(closed.statusCode()).as(closed.body()).isEqualTo(204);
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void shouldQueueABroadcastExactlyOnceOnEachOf300ConnectionsOverThreeReplicas() throws IOException {
		List<Socket> clients = new ArrayList<>();
		try {
			for (Replica replica : replicas) {
				for (int i = 0; i < 100; i++) {
					clients.add(Sockets.connect(replica.port("multiconn")));
				}
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> replicas.stream().allMatch((r) -> r.listener("multiconn").connections().size() == 100));
			HttpResponse<String> first = b.operator().postText("/api/listeners/multiconn/broadcast", "one\n");
			assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
			JsonNode answer = HttpTestClient.parse(first.body());
			assertThat(answer.path("queued").asInt()).isEqualTo(300);
			assertThat(answer.path("instances")).hasSize(3);
			for (JsonNode share : answer.path("instances")) {
				assertThat(share.path("queued").asInt()).as(share.toString()).isEqualTo(100);
			}
			HttpResponse<String> second = c.operator().postText("/api/listeners/multiconn/broadcast", "two\n");
			assertThat(HttpTestClient.parse(second.body()).path("queued").asInt()).isEqualTo(300);
			// exactly once each: every client reads "one\n" then "two\n", and nothing
			// else
			for (Socket client : clients) {
				assertThat(new String(Sockets.readExactly(client.getInputStream(), 8), StandardCharsets.UTF_8))
					.isEqualTo("one\ntwo\n");
			}
			for (Socket client : clients) {
				assertNothingMore(client, clients.indexOf(client) < 3 ? 200 : 1);
			}
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	@Test
	void shouldGiveEveryConnectionAnIdUniqueAcrossTheCluster() throws IOException {
		List<Socket> clients = new ArrayList<>();
		try {
			for (Replica replica : replicas) {
				for (int i = 0; i < 20; i++) {
					clients.add(Sockets.connect(replica.port("multiconn")));
				}
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> replicas.stream().allMatch((r) -> r.listener("multiconn").connections().size() == 20));
			Set<String> ids = new HashSet<>();
			for (Replica replica : replicas) {
				for (JsonNode connection : reader(replica).json("/api/listeners/multiconn/connections")) {
					ids.add(connection.path("id").asString());
				}
			}
			assertThat(ids).hasSize(60);
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	@Test
	void shouldSumEachListenersFiguresOverTheReplicasExactly() throws IOException {
		List<Socket> clients = new ArrayList<>();
		try {
			int[] opened = { 3, 1, 2 };
			for (int r = 0; r < 3; r++) {
				for (int i = 0; i < opened[r]; i++) {
					Socket client = Sockets.connect(replicas.get(r).port("echo"));
					client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
					Sockets.readExactly(client.getInputStream(), 5);
					clients.add(client);
				}
			}
			JsonNode cluster = reader(a).json("/api/cluster/listeners");
			assertThat(cluster.path("instances")).hasSize(3);
			JsonNode echo = listenerNamed(cluster, "echo");
			long active = 0;
			long accepted = 0;
			long received = 0;
			for (Replica replica : replicas) {
				JsonNode local = reader(replica).json("/api/listeners/echo");
				active += local.path("connections").path("active").asLong();
				accepted += local.path("connections").path("accepted").asLong();
				received += local.path("bytes").path("received").asLong();
			}
			assertThat(echo.path("connections").path("active").asLong()).isEqualTo(active).isEqualTo(6);
			assertThat(echo.path("connections").path("accepted").asLong()).isEqualTo(accepted);
			assertThat(echo.path("bytes").path("received").asLong()).isEqualTo(received);
			assertThat(echo.path("instances").asInt()).isEqualTo(3);
			assertThat(echo.path("perInstance")).hasSize(3);
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	@Test
	void shouldListEveryLiveReplicaInTheClusterView() {
		JsonNode view = reader(b).json("/api/cluster");
		assertThat(view.path("instances")).hasSize(3);
		for (JsonNode instance : view.path("instances")) {
			assertThat(instance.path("id").asString()).isIn("a", "b", "c");
			assertThat(instance.path("address").asString())
				.endsWith(":" + replica(instance.path("id").asString()).httpPort());
			assertThat(instance.path("startedAt").asString()).isNotEmpty();
			assertThat(instance.path("lastSeen").asString()).isNotEmpty();
			assertThat(instance.path("listeners")).hasSize(4);
		}
	}

	@Test
	void shouldCreateStartStopAndDeleteAListenerOnEveryReplicaIncludingOneThatJoinsLater() {
		HttpResponse<String> created = a.operator()
			.postJson("/api/cluster/listeners",
					"{\"name\":\"cw\",\"type\":\"echo\",\"port\":0,\"bind\":\"127.0.0.1\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode outcomes = HttpTestClient.parse(created.body()).path("instances");
		assertThat(outcomes).hasSize(3);
		for (Replica replica : replicas) {
			assertThat(replica.listener("cw").state().name()).isEqualTo("RUNNING");
		}
		assertThat(a.operator()
			.postJson("/api/cluster/listeners", "{\"name\":\"cw\",\"type\":\"echo\",\"port\":0}")
			.statusCode()).isEqualTo(409);
		assertThat(a.operator().postJson("/api/cluster/listeners", "{\"name\":\"bad\",\"type\":\"nope\"}").statusCode())
			.isEqualTo(400);
		try (Replica late = Replica.start("late", redis.port())) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> late.registry().get("cw").map((l) -> l.state().name().equals("RUNNING")).orElse(false));
			HttpResponse<String> stopped = b.operator().post("/api/cluster/listeners/cw/stop");
			assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
			for (Replica replica : List.of(a, b, c, late)) {
				assertThat(replica.listener("cw").state().name()).isEqualTo("STOPPED");
			}
			assertThat(c.operator().post("/api/cluster/listeners/cw/start").statusCode()).isEqualTo(200);
			for (Replica replica : List.of(a, b, c, late)) {
				assertThat(replica.listener("cw").state().name()).isEqualTo("RUNNING");
			}
			assertThat(
					HttpTestClient.parse(reader(a).get("/api/cluster/listeners").body()).path("clusterWide").toString())
				.contains("cw");
			assertThat(late.operator().delete("/api/cluster/listeners/cw").statusCode()).isEqualTo(200);
			for (Replica replica : List.of(a, b, c, late)) {
				assertThat(replica.registry().get("cw")).isEmpty();
			}
			assertThat(a.operator().delete("/api/cluster/listeners/cw").statusCode()).isEqualTo(404);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> instanceIds(a).size() == 3);
	}

	@Test
	void shouldIgnoreAndCountGarbageOnItsKeysAndChannels() throws IOException {
		StringRedisTemplate template = a.context().getBean(StringRedisTemplate.class);
		double before = errors(a) + errors(b) + errors(c);
		try (Socket client = Sockets.connect(a.port("multiconn"))) {
			String id = onlyConnection(a);
			template.convertAndSend("portico:requests", "not json at all");
			template.convertAndSend("portico:requests",
					"{\"id\":\"x\",\"from\":\"b\",\"op\":\"push\",\"listener\":\"multiconn\"," + "\"connection\":\""
							+ id + "\",\"bytes\":\"%%%not-base64\"}");
			template.convertAndSend("portico:index:changes", "{\"v\":\"NaN\"}");
			template.convertAndSend("portico:replies:a", "\u0000\u0001garbage");
			template.opsForValue().set("portico:instance:ghost", "{broken");
			template.opsForSet().add("portico:instances", "ghost");
			template.opsForHash().put("portico:listeners", "junk", "[1,2,3]");
			await().atMost(Duration.ofSeconds(5)).until(() -> errors(a) + errors(b) + errors(c) >= before + 10);
			assertThat(reader(a).json("/api/cluster").path("instances")).hasSize(3);
			// the replicas still work, and none of it reached the socket: the next bytes
			// are
			// a real push's
			HttpResponse<String> pushed = c.operator()
				.postText("/api/listeners/multiconn/connections/" + encode(id) + "/messages", "real\n");
			assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(202);
			assertThat(new String(Sockets.readExactly(client.getInputStream(), 5), StandardCharsets.UTF_8))
				.isEqualTo("real\n");
			assertThat(SearchProbe.search(b.port("search"), "ring")).startsWith("In the caves");
		}
		finally {
			template.delete("portico:instance:ghost");
			template.opsForSet().remove("portico:instances", "ghost");
			template.opsForHash().delete("portico:listeners", "junk");
		}
	}

	@Test
	void shouldCountForwardedOperationsAndShowTheClusterInInfo() {
		MeterRegistry meters = a.context().getBean(MeterRegistry.class);
		for (String operation : List.of("push", "broadcast", "close", "lifecycle")) {
			assertThat(meters.find("portico.cluster.forwarded").tag("operation", operation).counter()).isNotNull();
		}
		double pushes = meters.get("portico.cluster.forwarded").tag("operation", "push").counter().count();
		a.operator().postText("/api/listeners/multiconn/connections/none/messages", "x");
		assertThat(meters.get("portico.cluster.forwarded").tag("operation", "push").counter().count())
			.isEqualTo(pushes + 1);
		await().atMost(Duration.ofSeconds(3))
			.until(() -> meters.get("portico.cluster.instances").gauge().value() == 3.0);
		JsonNode info = reader(a).json("/actuator/info").path("cluster");
		assertThat(info.path("instance").asString()).isEqualTo("a");
		assertThat(info.path("joined").asBoolean()).isTrue();
		JsonNode health = reader(a).json("/actuator/health");
		assertThat(health.path("components").path("cluster").path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").has("redis")).isFalse();
	}

	private static double errors(Replica replica) {
		return replica.context().getBean(MeterRegistry.class).get("portico.cluster.errors").counter().count();
	}

	private static JsonNode listenerNamed(JsonNode cluster, String name) {
		for (JsonNode listener : cluster.path("listeners")) {
			if (name.equals(listener.path("name").asString())) {
				return listener;
			}
		}
		throw new AssertionError("No listener " + name + " in " + cluster);
	}

	private static Replica replica(String id) {
		return replicas.stream().filter((r) -> r.id().equals(id)).findFirst().orElseThrow();
	}

	static Set<String> instanceIds(Replica replica) {
		Set<String> ids = new HashSet<>();
		HttpResponse<String> response = replica.anonymous().get("/api/cluster");
		if (response.statusCode() != 200) {
			return ids;
		}
		for (JsonNode instance : HttpTestClient.parse(response.body()).path("instances")) {
			ids.add(instance.path("id").asString());
		}
		return ids;
	}

	private static HttpTestClient reader(Replica replica) {
		return replica.anonymous();
	}

	private static String onlyConnection(Replica replica) {
		await().atMost(Duration.ofSeconds(5)).until(() -> replica.listener("multiconn").connections().size() == 1);
		return replica.listener("multiconn").connections().iterator().next().id();
	}

	private static String encode(String id) {
		return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/** Nothing more arrives within a short wait (the bytes were queued once). */
	private static void assertNothingMore(Socket client, int waitMillis) throws IOException {
		client.setSoTimeout(waitMillis);
		InputStream in = client.getInputStream();
		try {
			int next = in.read();
			throw new AssertionError("Unexpected byte " + next + " after the broadcasts");
		}
		catch (SocketTimeoutException expected) {
			// nothing more: good
		}
		finally {
			client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(10));
		}
	}

}
