package dev.portico.cluster;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.portico.support.HttpTestClient;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis going away and coming back, with and without its data, and Redis unreachable or
 * refusing when a replica starts: the replicas keep serving, answer writes with a 503
 * naming Redis, stay ready, and recover by themselves without losing an edit.
 */
@Tag("slow")
@ExtendWith(OutputCaptureExtension.class)
class ClusterRedisOutageIntegrationTests {

	private RedisTestServer redis;

	private Replica a;

	private Replica b;

	@AfterEach
	void stop() {
		for (Replica replica : new Replica[] { this.a, this.b }) {
			if (replica != null) {
				replica.close();
			}
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void shouldServeFromTheCopyWhileRedisIsDownAndRecoverWithoutLosingAnEdit() throws IOException {
		this.redis = RedisTestServer.launch();
		this.a = Replica.start("a", this.redis.port());
		this.b = Replica.start("b", this.redis.port());
		awaitJoined(this.a, this.b);
		assertThat(this.a.operator().putText("/api/search/entries/before", "made before the outage").statusCode())
			.isEqualTo(201);
		await().atMost(Duration.ofSeconds(1))
			.until(() -> "made before the outage".equals(this.b.index().get("before")));

		this.redis.stop();
		await().atMost(Duration.ofSeconds(5)).until(() -> clusterStatus(this.a).equals("DOWN"));
		await().atMost(Duration.ofSeconds(5)).until(() -> clusterStatus(this.b).equals("DOWN"));
		// sockets serve, search answers from the copy
		assertEchoes(this.a);
		assertThat(SearchProbe.search(this.b.port("search"), "before")).isEqualTo("made before the outage");
		// index writes and cross-replica operations: 503 problems that name Redis
		long started = System.nanoTime();
		HttpResponse<String> write = this.a.operator().putText("/api/search/entries/during", "lost?");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		assertThat(write.statusCode()).isEqualTo(503);
		assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(HttpTestClient.parse(write.body()).path("detail").asString()).contains("Redis is unreachable")
			.contains("spring.data.redis");
		assertThat(
				this.a.operator().postText("/api/listeners/multiconn/connections/elsewhere/messages", "x").statusCode())
			.isEqualTo(503);
		assertThat(this.a.operator().postText("/api/listeners/multiconn/broadcast", "x").statusCode()).isEqualTo(503);
		assertThat(this.a.anonymous().get("/api/cluster").statusCode()).isEqualTo(503);
		// a push to a connection this replica holds needs no Redis
		try (Socket client = Sockets.connect(this.a.port("multiconn"))) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.a.listener("multiconn").connections().size() == 1);
			String id = this.a.listener("multiconn").connections().iterator().next().id();
			assertThat(this.a.operator()
				.postText("/api/listeners/multiconn/connections/" + id.replace(" ", "%20") + "/messages", "local\n")
				.statusCode()).isEqualTo(202);
			assertThat(new String(Sockets.readExactly(client.getInputStream(), 6), StandardCharsets.UTF_8))
				.isEqualTo("local\n");
		}
		// ready (the cluster component is not part of readiness), but health shows it
		HttpResponse<String> readiness = this.a.anonymous().get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(HttpTestClient.parse(readiness.body()).path("status").asString()).isEqualTo("UP");
		JsonNode health = HttpTestClient.parse(this.a.anonymous().get("/actuator/health").body());
		assertThat(health.path("components").path("cluster").path("status").asString()).isEqualTo("DOWN");
		// the cause is a detail: shown to the operator, not to anonymous callers
		JsonNode detailed = HttpTestClient.parse(this.a.operator().get("/actuator/health").body());
		assertThat(detailed.path("components").path("cluster").path("details").path("cause").asString())
			.contains("spring.data.redis");

		// back with its data: both rejoin, writes work
		this.redis.start();
		awaitJoined(this.a, this.b);
		assertThat(this.b.operator().putText("/api/search/entries/after", "made after the first outage").statusCode())
			.isEqualTo(201);
		await().atMost(Duration.ofSeconds(1))
			.until(() -> "made after the first outage".equals(this.a.index().get("after")));

		// back empty (restarted without persistence): the replicas write their copy back
		this.redis.stop();
		this.redis.wipe();
		this.redis.start();
		awaitJoined(this.a, this.b);
		StringRedisTemplate template = this.a.context().getBean(StringRedisTemplate.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> template.opsForHash().size("portico:index") > 0);
		Map<Object, Object> restored = template.opsForHash().entries("portico:index");
		assertThat(restored).containsEntry("before", "made before the outage")
			.containsEntry("after", "made after the first outage")
			.containsKey("morpheus")
			.doesNotContainKey("during");
		assertThat(this.a.index().all()).isEqualTo(this.b.index().all())
			.containsAllEntriesOf(Map.of("before", "made before the outage", "after", "made after the first outage"));
		assertThat(this.a.operator().putText("/api/search/entries/later", "works again").statusCode()).isEqualTo(201);
		await().atMost(Duration.ofSeconds(1)).until(() -> "works again".equals(this.b.index().get("later")));
	}

	@Test
	void shouldStartWithRedisDownThenJoinAndSeedOnceWhenItAnswers(CapturedOutput output) throws IOException {
		this.redis = RedisTestServer.launch();
		this.redis.stop();
		this.a = Replica.start("early-1", this.redis.port());
		this.b = Replica.start("early-2", this.redis.port());
		assertEchoes(this.a);
		assertThat(SearchProbe.search(this.a.port("search"), "ring")).startsWith("In the caves");
		await().atMost(Duration.ofSeconds(5)).until(() -> clusterStatus(this.a).equals("DOWN"));
		assertThat(output.getAll()).contains("refused the connection: check spring.data.redis.host");
		// both retry every heartbeat, so they race to seed the empty Redis: one seeds it
		this.redis.start();
		awaitJoined(this.a, this.b);
		StringRedisTemplate template = this.a.context().getBean(StringRedisTemplate.class);
		assertThat(template.opsForHash().get("portico:index", "ring")).asString().startsWith("In the caves");
		assertThat(template.opsForValue().get("portico:index:version")).isEqualTo("0");
		assertThat(count(output.getAll(), "seeded Redis with this replica's copy")).isEqualTo(1);
	}

	@Test
	void shouldAnswerWithin3SecondsWhenRedisStopsAnswering() throws IOException {
		this.redis = RedisTestServer.launch();
		this.a = Replica.start("a", this.redis.port());
		awaitJoined(this.a);
		// Redis keeps the connection open but answers nothing for 4 s
		try (Socket admin = Sockets.connect(this.redis.port())) {
			admin.getOutputStream().write("CLIENT PAUSE 4000 ALL\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(new String(Sockets.readExactly(admin.getInputStream(), 5), StandardCharsets.US_ASCII))
				.isEqualTo("+OK\r\n");
		}
		long started = System.nanoTime();
		HttpResponse<String> write = this.a.operator().putText("/api/search/entries/paused", "no hang");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		assertThat(write.statusCode()).isEqualTo(503);
		assertThat(SearchProbe.search(this.a.port("search"), "ring")).startsWith("In the caves");
		awaitJoined(this.a);
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

	@Test
	void shouldStartAndNameThePasswordKeyWhenRedisRefusesTheCredentials(CapturedOutput output) throws IOException {
		this.redis = RedisTestServer.launch("requirepass right-password");
		this.a = Replica.start("wrongpass", this.redis.port(), "spring.data.redis.password=wrong-password");
		assertEchoes(this.a);
		await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("spring.data.redis.password"));
		assertThat(clusterStatus(this.a)).isEqualTo("DOWN");
		assertThat(this.a.anonymous().get("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	private static void awaitJoined(Replica... replicas) {
		await().atMost(Duration.ofSeconds(15)).until(() -> {
			for (Replica replica : replicas) {
				if (!"UP".equals(clusterStatus(replica))) {
					return false;
				}
			}
			return true;
		});
	}

	private static String clusterStatus(Replica replica) {
		HttpResponse<String> health = replica.anonymous().get("/actuator/health");
		return HttpTestClient.parse(health.body()).path("components").path("cluster").path("status").asString();
	}

	private static void assertEchoes(Replica replica) throws IOException {
		try (Socket client = Sockets.connect(replica.port("echo"))) {
			client.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
			assertThat(new String(Sockets.readExactly(client.getInputStream(), 11), StandardCharsets.UTF_8))
				.isEqualTo("still here\n");
		}
	}

}
