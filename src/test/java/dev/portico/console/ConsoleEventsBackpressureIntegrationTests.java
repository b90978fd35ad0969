package dev.portico.console;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A browser that stops reading its event stream is dropped, holds no more than its
 * bounded queue meanwhile, and does not slow down the other streams. Events come ten
 * times a second and the server's socket send buffer is small, so the stall shows within
 * seconds instead of after megabytes of kernel buffers have filled.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		"portico.api.password=console-secret", "portico.listeners.echo.port=0", "portico.listeners.echo.bind=127.0.0.1",
		"portico.listeners.multiconn.port=0", "portico.listeners.multiconn.bind=127.0.0.1",
		"portico.listeners.udp.port=0", "portico.listeners.udp.bind=127.0.0.1", "portico.listeners.search.port=0",
		"portico.listeners.search.bind=127.0.0.1", "portico.console.interval=100ms", "portico.console.send-timeout=1s",
		"portico.console.max-queued-bytes=64KB", "server.tomcat.connection-timeout=3s" })
class ConsoleEventsBackpressureIntegrationTests {

	private static final long MAX_QUEUED = 64 * 1024;

	@LocalServerPort
	private int httpPort;

	@Autowired
	private ConsoleEvents consoleEvents;

	@Autowired
	private MeterRegistry meters;

	@Test
	void shouldDropAStreamWhoseClientStopsReadingWhileOthersGoOn() throws IOException {
		try (SseTestClient good = SseTestClient.open(this.httpPort)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> good.events("listeners").size() >= 2);
			long heapBefore = usedHeapAfterGc();
			double endedBefore = ended("stalled") + ended("slow");

			try (Socket stalled = new Socket()) {
				// a small receive window, and the test never reads: the server's writes
				// soon block
				stalled.setReceiveBufferSize(4096);
				stalled.connect(new InetSocketAddress("127.0.0.1", this.httpPort), 5000);
				OutputStream out = stalled.getOutputStream();
				out.write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				await().atMost(Duration.ofSeconds(10)).until(() -> this.consoleEvents.openStreams() == 2);
				int goodEventsAtStall = good.events("listeners").size();
				long stallStarted = System.nanoTime();

				AtomicLong mostQueued = new AtomicLong();
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
					mostQueued.accumulateAndGet(this.consoleEvents.queuedBytes(), Math::max);
					return this.consoleEvents.openStreams() == 1;
				});
				double stallSeconds = (System.nanoTime() - stallStarted) / 1e9;
				assertThat(ended("stalled") + ended("slow")).isEqualTo(endedBefore + 1);
				// bounded: never more than the cap plus the one event that found it full
				assertThat(mostQueued.get()).isLessThanOrEqualTo(MAX_QUEUED + 16 * 1024);
				// the one scheduler thread was never held up by the stalled client
				int goodEvents = good.events("listeners").size() - goodEventsAtStall;
				assertThat(goodEvents).as("events to the good client in %.1f s of stall", stallSeconds)
					.isGreaterThanOrEqualTo((int) (stallSeconds * 10 * 0.6));

				// the blocked write ends at the server's write timeout
				// (server.tomcat.connection-timeout),
				// while the stalled client still holds its socket open: its place and
				// thread are free again
				await().atMost(Duration.ofSeconds(20)).until(() -> this.consoleEvents.placesTaken() == 1);
				assertThat(stalled.isClosed()).isFalse();
			}

			long heapAfter = usedHeapAfterGc();
			assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(32L * 1024 * 1024);
			int before = good.events("listeners").size();
			await().atMost(Duration.ofSeconds(5)).until(() -> good.events("listeners").size() >= before + 10);
			assertThat(good.isEnded()).isFalse();
		}
	}

	private double ended(String reason) {
		Counter counter = this.meters.find("portico.console.streams.ended").tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static long usedHeapAfterGc() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SmallSendBuffer {

		/**
		 * A 4 KiB socket send buffer on the server side (the kernel doubles it), instead
		 * of megabytes.
		 */
		@Bean
		TomcatConnectorCustomizer smallSendBuffer() {
			return (connector) -> connector.setProperty("socket.txBufSize", "4096");
		}

	}

}
