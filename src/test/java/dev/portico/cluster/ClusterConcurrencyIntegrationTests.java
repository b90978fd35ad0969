package dev.portico.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;

import dev.portico.support.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Eight threads edit the index through three replicas at once for ten seconds (puts and
 * deletes on a small set of keys, so that they collide); afterwards every replica holds
 * exactly the index Redis holds, at the same version.
 */
@Tag("slow")
class ClusterConcurrencyIntegrationTests {

	private static final Duration RUN = Duration.ofSeconds(10);

	private static final int THREADS = 8;

	/** Bound on the edits per thread, whatever the machine's speed. */
	private static final int MAX_EDITS_PER_THREAD = 20_000;

	@Test
	void shouldEndWithEveryReplicaHoldingExactlyRedissIndexAfterConcurrentEdits() throws Exception {
		try (RedisTestServer redis = RedisTestServer.launch();
				Replica a = Replica.start("a", redis.port());
				Replica b = Replica.start("b", redis.port());
				Replica c = Replica.start("c", redis.port())) {
			List<Replica> replicas = List.of(a, b, c);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> replicas.stream().allMatch((r) -> r.context().getBean(ClusterNode.class).isJoined()));
			List<HttpTestClient> clients = replicas.stream().map(Replica::operator).toList();
			ExecutorService threads = Executors.newFixedThreadPool(THREADS);
			AtomicInteger edits = new AtomicInteger();
			ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
			long deadline = System.nanoTime() + RUN.toNanos();
			List<Future<?>> running = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				running.add(threads.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < MAX_EDITS_PER_THREAD && System.nanoTime() < deadline; i++) {
						HttpTestClient through = clients.get(random.nextInt(clients.size()));
						String key = "k" + random.nextInt(16);
						long started = System.nanoTime();
						HttpResponse<String> response = (random.nextInt(4) == 0)
								? through.delete("/api/search/entries/" + key)
								: through.putText("/api/search/entries/" + key, "t" + thread + "-" + i);
						if (!Set.of(200, 201, 204, 404).contains(response.statusCode())) {
							failures.add(response.statusCode() + " " + response.body());
						}
						micros.add((System.nanoTime() - started) / 1000);
						edits.incrementAndGet();
					}
				}));
			}
			for (Future<?> future : running) {
				future.get(RUN.toSeconds() + 60, TimeUnit.SECONDS);
			}
			threads.shutdown();
			assertThat(failures).isEmpty();
			// every thread got edits through (how many depends on the machine's load)
			assertThat(edits.get()).isGreaterThanOrEqualTo(THREADS);
			List<Long> sorted = micros.stream().sorted().toList();
			System.out.println("ClusterConcurrencyIntegrationTests: " + edits.get() + " edits in " + RUN.toSeconds()
					+ " s through 3 replicas; per edit p50 " + sorted.get(sorted.size() / 2) / 1000 + " ms, max "
					+ sorted.get(sorted.size() - 1) / 1000 + " ms");

			StringRedisTemplate template = a.context().getBean(StringRedisTemplate.class);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				Map<String, String> inRedis = new LinkedHashMap<>();
				template.opsForHash()
					.entries("portico:index")
					.forEach((key, value) -> inRedis.put(key.toString(), value.toString()));
				long version = Long.parseLong(template.opsForValue().get("portico:index:version"));
				for (Replica replica : replicas) {
					assertThat(replica.index().all()).as(replica.id()).isEqualTo(inRedis);
					assertThat(replica.clusterIndex().version()).as(replica.id()).isEqualTo(version);
				}
			});
		}
	}

}
