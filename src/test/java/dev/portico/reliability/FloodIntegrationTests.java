package dev.portico.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.UnixOperatingSystemMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.TrafficStats;
import dev.portico.support.HttpTestClient;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection flood against one listener of the whole service: 20,000 connection
 * attempts, 500 in flight, against a {@code max-connections} of 100 of which 80 are held
 * by other clients. Health must answer within a second all along, and afterwards every
 * count agrees exactly: the client's, the listener's, the REST API's and Prometheus's.
 */
@Tag("slow")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
				"portico.api.password=flood-secret",
				"management.endpoints.web.exposure.include=health,info,metrics,prometheus,listeners" })
class FloodIntegrationTests {

	private static final int ATTEMPTS = Integer.getInteger("portico.flood.attempts", 20_000);

	/**
	 * Connections in flight: each costs a descriptor on the client side and, while it is
	 * served, one on the server side. The JVM raises its soft descriptor limit to the
	 * hard limit on Linux, but keep well within what the process may open anyway.
	 */
	private static final int IN_FLIGHT = (int) Math.min(500, descriptorHeadroom() / 3);

	private static final int MAX_CONNECTIONS = 100;

	/**
	 * Connections held open through the flood, so that only a few slots are free and the
	 * flood meets the limit however fast the server serves.
	 */
	private static final int HOLDERS = 80;

	@LocalServerPort
	private int httpPort;

	@Autowired
	private ListenerRegistry registry;

	@AfterEach
	void deleteListener() {
		this.registry.delete("flood");
	}

	@Test
	void shouldCountEveryConnectionExactlyAndKeepHealthFastWhenFlooded() throws Exception {
		HttpTestClient anonymous = new HttpTestClient(this.httpPort);
		HttpTestClient operator = anonymous.withCredentials("admin", "flood-secret");
		HttpResponse<String> created = operator.postJson("/api/listeners",
				"{\"name\":\"flood\",\"type\":\"echo\",\"port\":0,\"bind\":\"127.0.0.1\",\"options\":{\"max-connections\":"
						+ MAX_CONNECTIONS + "}}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		HttpResponse<String> started = operator.post("/api/listeners/flood/start");
		assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
		int port = HttpTestClient.parse(started.body()).path("port").asInt();

		AtomicLong worstHealthNanos = new AtomicLong();
		AtomicInteger healthChecks = new AtomicInteger();
		AtomicInteger healthFailures = new AtomicInteger();
		ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
		poller.scheduleWithFixedDelay(() -> {
			long begun = System.nanoTime();
			try {
				HttpResponse<String> health = anonymous.get("/actuator/health");
				if (health.statusCode() != 200) {
					healthFailures.incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				healthFailures.incrementAndGet();
			}
			worstHealthNanos.accumulateAndGet(System.nanoTime() - begun, Math::max);
			healthChecks.incrementAndGet();
		}, 0, 200, TimeUnit.MILLISECONDS);

		List<Socket> holders = new ArrayList<>();
		for (int i = 0; i < HOLDERS; i++) {
			Socket holder = Sockets.connect(port);
			holders.add(holder);
			holder.getOutputStream().write('h');
			assertThat(holder.getInputStream().read()).isEqualTo('h');
		}
		long begun = System.nanoTime();
		Flood flood = new Flood(port);
		flood.run(Duration.ofSeconds(150));
		double seconds = (System.nanoTime() - begun) / 1e9;
		for (Socket holder : holders) {
			holder.close();
		}
		poller.shutdown();
		assertThat(poller.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

		TrafficStats stats = this.registry.get("flood").orElseThrow().stats();
		await().atMost(30, TimeUnit.SECONDS)
			.until(() -> stats.acceptedTotal() + stats.rejectedTotal() == HOLDERS + flood.connected.get());
		await().atMost(30, TimeUnit.SECONDS)
			.until(() -> this.registry.get("flood").orElseThrow().connections().isEmpty());
		System.out
			.printf("FIGURE flood: %d attempts (%d in flight, max-connections %d, %d held) in %.1f s: %d connected,"
					+ " %d echoed, %d refused, %d failed; server accepted %d, rejected %d %s; health worst %.0f ms over %d"
					+ " checks%n", ATTEMPTS, IN_FLIGHT, MAX_CONNECTIONS, HOLDERS, seconds, flood.connected.get(),
					flood.echoed.get(), flood.refused.get(), flood.failed.get(), stats.acceptedTotal(),
					stats.rejectedTotal(), stats.rejectedByReason(), worstHealthNanos.get() / 1e6, healthChecks.get());

		assertThat(IN_FLIGHT).isGreaterThan(MAX_CONNECTIONS);
		assertThat(flood.connected.get() + flood.failed.get()).isEqualTo(ATTEMPTS);
		assertThat(flood.failed.get()).isZero();
		assertThat(stats.acceptedTotal()).isEqualTo(HOLDERS + flood.echoed.get());
		assertThat(stats.rejectedTotal()).isEqualTo(flood.refused.get());
		assertThat(stats.rejectedByReason()).containsOnlyKeys("max-connections");
		assertThat(stats.rejectedTotal()).isPositive();
		assertThat(healthFailures.get()).isZero();
		assertThat(healthChecks.get()).isPositive();
		assertThat(worstHealthNanos.get()).isLessThan(TimeUnit.SECONDS.toNanos(1));

		JsonNode connections = anonymous.json("/api/listeners/flood").path("connections");
		assertThat(connections.path("active").asLong()).isZero();
		assertThat(connections.path("accepted").asLong()).isEqualTo(stats.acceptedTotal());
		assertThat(connections.path("rejected").asLong()).isEqualTo(stats.rejectedTotal());
		await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
			String prometheus = anonymous.get("/actuator/prometheus").body();
			assertThat(sample(prometheus, "portico_connections_accepted_total{listener=\"flood\",type=\"echo\"}"))
				.isEqualTo(stats.acceptedTotal());
			assertThat(sample(prometheus,
					"portico_connections_rejected_total{listener=\"flood\",reason=\"max-connections\",type=\"echo\"}"))
				.isEqualTo(stats.rejectedTotal());
			assertThat(sample(prometheus, "portico_connections_active{listener=\"flood\",type=\"echo\"}")).isZero();
			assertThat(sample(prometheus, "portico_bytes_received_bytes_total{listener=\"flood\",type=\"echo\"}"))
				.isEqualTo(stats.bytesReceived());
		});
	}

	private static long descriptorHeadroom() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
		}
		return 1500;
	}

	private static long sample(String prometheus, String series) {
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(prometheus);
		assertThat(matcher.find()).as(series).isTrue();
		return (long) Double.parseDouble(matcher.group(1));
	}

	/**
	 * Non-blocking clients, {@link #IN_FLIGHT} at a time: each connects, sends one byte
	 * and waits for its echo (served) or for the end of the stream (refused), then
	 * closes.
	 */
	private static final class Flood {

		private final int port;

		final AtomicInteger connected = new AtomicInteger();

		final AtomicInteger echoed = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		Flood(int port) {
			this.port = port;
		}

		void run(Duration limit) throws IOException {
			long deadline = System.nanoTime() + limit.toNanos();
			int launched = 0;
			int open = 0;
			ByteBuffer read = ByteBuffer.allocate(16);
			try (Selector selector = Selector.open()) {
				while ((launched < ATTEMPTS || open > 0) && System.nanoTime() < deadline) {
					while (launched < ATTEMPTS && open < IN_FLIGHT) {
						SocketChannel channel = SocketChannel.open();
						channel.configureBlocking(false);
						channel.connect(new InetSocketAddress(Sockets.LOOPBACK, this.port));
						channel.register(selector, SelectionKey.OP_CONNECT);
						launched++;
						open++;
					}
					selector.select(1000);
					for (SelectionKey key : selector.selectedKeys()) {
						SocketChannel channel = (SocketChannel) key.channel();
						try {
							if (key.isConnectable()) {
								channel.finishConnect();
								this.connected.incrementAndGet();
								key.attach(Boolean.TRUE);
								channel.write(ByteBuffer.wrap(new byte[] { 'x' }));
								key.interestOps(SelectionKey.OP_READ);
							}
							else if (key.isReadable()) {
								read.clear();
								int n = channel.read(read);
								if (n == 0) {
									continue;
								}
								if (n > 0) {
									this.echoed.incrementAndGet();
								}
								else {
									this.refused.incrementAndGet();
								}
								key.cancel();
								channel.close();
								open--;
							}
						}
						catch (IOException ex) {
							// a reset once connected is a refusal; a failed connect is a
							// failure
							if (key.attachment() != null) {
								this.refused.incrementAndGet();
							}
							else {
								this.failed.incrementAndGet();
							}
							key.cancel();
							channel.close();
							open--;
						}
					}
					selector.selectedKeys().clear();
				}
				for (SelectionKey key : selector.keys()) {
					key.channel().close();
				}
			}
		}

	}

}
