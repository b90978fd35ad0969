package dev.portico.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.portico.PorticoApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica killed with SIGKILL (no shutdown hook, no goodbye to Redis) leaves the
 * cluster view by itself within three heartbeats; one that stops cleanly leaves at once.
 * The killed one runs as a process of its own, started from this JVM's class path, since
 * only a process can die that way.
 */
@Tag("slow")
class ClusterKilledReplicaIntegrationTests {

	private static final Duration HEARTBEAT = Duration.ofSeconds(1);

	@Test
	void shouldDropAKilledReplicaWithinThreeHeartbeatsAndAStoppedOneAtOnce() throws Exception {
		try (RedisTestServer redis = RedisTestServer.launch();
				Replica watcher = Replica.start("watcher", redis.port())) {
			Path log = Files.createTempFile("portico-killed-", ".log");
			Process process = startProcess("doomed", redis.port(), log);
			try {
				await().atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(200))
					.failFast("the replica process ended early; its log is " + log, () -> !process.isAlive())
					.until(() -> ClusterIntegrationTests.instanceIds(watcher).contains("doomed"));
				process.destroyForcibly();
				assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
				long killed = System.nanoTime();
				await().atMost(HEARTBEAT.multipliedBy(3).plusMillis(1500))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> !ClusterIntegrationTests.instanceIds(watcher).contains("doomed"));
				Duration gone = Duration.ofNanos(System.nanoTime() - killed);
				// the record expires 3 heartbeats after the last one; the rest is polling
				// over
				// HTTP on a busy machine
				System.out.println("ClusterKilledReplicaIntegrationTests: killed replica left the view after "
						+ gone.toMillis() + " ms (heartbeat " + HEARTBEAT.toMillis() + " ms)");
				assertThat(gone).isLessThanOrEqualTo(HEARTBEAT.multipliedBy(4));
			}
			finally {
				process.destroyForcibly();
				Files.deleteIfExists(log);
			}

			Replica polite = Replica.start("polite", redis.port(), "portico.cluster.heartbeat=1s");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> ClusterIntegrationTests.instanceIds(watcher).contains("polite"));
			polite.close();
			long stopped = System.nanoTime();
			assertThat(ClusterIntegrationTests.instanceIds(watcher)).doesNotContain("polite");
			assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(HEARTBEAT);
		}
	}

	private static Process startProcess(String id, int redisPort, Path log) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Path dataDir = Files.createTempDirectory("portico-" + id + "-");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), PorticoApplication.class.getName(), "--server.port=0",
				"--portico.cluster.enabled=true", "--portico.cluster.instance-id=" + id,
				"--portico.cluster.heartbeat=" + HEARTBEAT.toMillis() + "ms", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisPort, "--portico.search.data-dir=" + dataDir,
				"--portico.api.password=x"));
		for (String listener : List.of("echo", "multiconn", "search", "udp")) {
			command.add("--portico.listeners." + listener + ".port=0");
			command.add("--portico.listeners." + listener + ".bind=127.0.0.1");
		}
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.directory(new File(System.getProperty("user.dir")))
			.start();
	}

}
