package dev.portico.reliability;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.support.HttpTestClient;
import dev.portico.support.ServerCpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failed logins at 20 per second from one address, against an open endpoint, while health
 * is polled: what they cost in CPU and what they do to health's latency. The password is
 * a bcrypt hash of strength 10, as {@code htpasswd -B} or Spring's encoder make them
 * (about 100 ms of CPU per check on a slow core). Before the login limiter, every such
 * request cost one bcrypt; now an address gets
 * {@code portico.api.max-failed-logins-per-minute} (10) checks at once, then 10 a minute,
 * and 429 otherwise. Bounded: 100 attempts in 5 s.
 */
@Tag("slow")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1" })
class FailedLoginLoadIntegrationTests {

	private static final int ATTEMPTS = 100;

	private static final int PER_SECOND = 20;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void password(DynamicPropertyRegistry registry) {
		registry.add("portico.api.password", () -> "{bcrypt}" + new BCryptPasswordEncoder(10).encode("load-secret"));
	}

	@Test
	void shouldKeepHealthFastAndFailedLoginsCheapUnder20FailedLoginsPerSecond() throws Exception {
		HttpTestClient anonymous = new HttpTestClient(this.port);
		HttpTestClient attacker = anonymous.withCredentials("admin", "wrong");
		// warm up both paths, then measure health alone
		anonymous.get("/actuator/health");
		assertThat(anonymous.withCredentials("admin", "load-secret").get("/api/listeners").statusCode()).isEqualTo(200);
		List<Long> idle = pollHealth(anonymous, 20);

		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
		ExecutorService senders = Executors.newFixedThreadPool(8);
		List<Future<HttpResponse<String>>> answers = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger scheduled = new AtomicInteger();
		long cpuBefore = os.getProcessCpuTime();
		long serverBefore = ServerCpu.requestThreadsNanos();
		long began = System.nanoTime();
		pacer.scheduleAtFixedRate(() -> {
			if (scheduled.getAndIncrement() < ATTEMPTS) {
				answers.add(senders.submit(() -> attacker.get("/api/listeners")));
			}
		}, 0, 1000 / PER_SECOND, TimeUnit.MILLISECONDS);
		List<Long> loaded = pollHealth(anonymous, 50);
		List<Integer> statuses = new ArrayList<>();
		await().atMost(Duration.ofSeconds(60)).until(() -> answers.size() == ATTEMPTS);
		for (Future<HttpResponse<String>> answer : new ArrayList<>(answers)) {
			statuses.add(answer.get(120, TimeUnit.SECONDS).statusCode());
		}
		long cpu = os.getProcessCpuTime() - cpuBefore;
		long server = ServerCpu.requestThreadsNanos() - serverBefore;
		double seconds = (System.nanoTime() - began) / 1e9;
		pacer.shutdownNow();
		senders.shutdownNow();

		long unauthorized = statuses.stream().filter((status) -> status == 401).count();
		long throttled = statuses.stream().filter((status) -> status == 429).count();
		System.out.printf("FIGURE failed logins at %d/s from one address, %d attempts in %.1f s: %d answered 401"
				+ " (password checked), %d answered 429; CPU per failed login %.1f ms in the server's request"
				+ " threads, %.1f ms in the whole process (client and health polling included); health p50 %d ms,"
				+ " p95 %d ms, max %d ms (idle: p50 %d ms, max %d ms)%n", PER_SECOND, statuses.size(), seconds,
				unauthorized, throttled, server / 1e6 / statuses.size(), cpu / 1e6 / statuses.size(),
				percentile(loaded, 50), percentile(loaded, 95), percentile(loaded, 100), percentile(idle, 50),
				percentile(idle, 100));
		assertThat(statuses).hasSize(ATTEMPTS);
		assertThat(unauthorized + throttled).isEqualTo(ATTEMPTS);
		// 10 at once, then 10 a minute: at most a couple more within these seconds
		assertThat(unauthorized).isBetween(10L, 13L);
		// the server's own request threads: the JVM's total also holds this test's
		// client,
		// its JIT and GC, which vary with the machine's load
		assertThat(server / statuses.size()).as("CPU per failed login in the server's request threads")
			.isLessThan(bcryptCpuNanos() / 2);
	}

	/** Health latencies in ms, one request every 100 ms. */
	private static List<Long> pollHealth(HttpTestClient client, int count) throws Exception {
		List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(count);
		ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
		try {
			poller.scheduleAtFixedRate(() -> {
				if (done.getCount() == 0) {
					return;
				}
				long start = System.nanoTime();
				int status = client.get("/actuator/health").statusCode();
				latencies.add((status == 200) ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : -1);
				done.countDown();
			}, 0, 100, TimeUnit.MILLISECONDS);
			assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			poller.shutdownNow();
		}
		assertThat(latencies).doesNotContain(-1L);
		return new ArrayList<>(latencies);
	}

	private static long percentile(List<Long> values, int percentile) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	/** CPU of one bcrypt check of strength 10 on this machine. */
	private static long bcryptCpuNanos() {
		BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(10);
		String hash = encoder.encode("calibration");
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long before = threads.getCurrentThreadCpuTime();
		encoder.matches("wrong", hash);
		return threads.getCurrentThreadCpuTime() - before;
	}

}
