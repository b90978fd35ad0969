package dev.portico.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.portico.listener.Listener;
import dev.portico.support.FaultProxy;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static dev.portico.protocol.SearchTestFrames.MORPHEUS_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers that fail the way networks fail: a reset in the middle of a frame, a half-close,
 * a frozen link and a peer that vanishes without a FIN. After each, the listener holds no
 * connection and no extra thread, and the event is logged once at most. Figures are
 * printed as {@code FIGURE} lines for the table in docs/reliability.md.
 */
@Tag("slow")
@ExtendWith(OutputCaptureExtension.class)
class FaultInjectionIntegrationTests extends ListenerTestSupport {

	private static final Duration SHORT = Duration.ofSeconds(1);

	/**
	 * The service whose lazily started threads are counted already (one per test
	 * context).
	 */
	private static Object warmed;

	@Test
	void shouldCloseAndWarnOnceWhenASearchPeerResetsMidHeader(CapturedOutput output) throws Exception {
		long threads = jvmThreads();
		Listener search = start("fault-reset", tcp("search", null, null, null, true));
		try (Socket socket = Sockets.connect(search.port())) {
			// the 2-byte length prefix and half of the JSON header, then an RST instead
			// of the rest
			socket.getOutputStream().write(Arrays.copyOf(MORPHEUS_REQUEST, 2 + 51));
			await().atMost(5, TimeUnit.SECONDS).until(() -> search.stats().bytesReceived() == 53);
			socket.setSoLinger(true, 0);
		}
		awaitReclaimed(search);
		await().atMost(5, TimeUnit.SECONDS).until(() -> search.stats().errorsByKind().getOrDefault("read", 0L) == 1L);
		assertServesAgain(search);
		assertThat(warnings(output, "fault-reset")).isEqualTo(1);
		deleteAndAwaitThreads("fault-reset", threads);
	}

	@Test
	void shouldRateLimitTheWarningsWhenManyPeersReset(CapturedOutput output) throws Exception {
		Listener search = start("fault-resets", tcp("search", null, null, null, true));
		int peers = 50;
		for (int i = 0; i < peers; i++) {
			try (Socket socket = Sockets.connect(search.port())) {
				socket.getOutputStream().write(Arrays.copyOf(MORPHEUS_REQUEST, 20));
				long expected = 20L * (i + 1);
				await().atMost(5, TimeUnit.SECONDS).until(() -> search.stats().bytesReceived() == expected);
				socket.setSoLinger(true, 0);
			}
		}
		awaitReclaimed(search);
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> search.stats().errorsByKind().getOrDefault("read", 0L) == peers);
		long lines = warnings(output, "fault-resets");
		System.out.println("FIGURE resets=" + peers + " warnLines=" + lines);
		assertThat(lines).isBetween(1L, 2L);
	}

	@Test
	void shouldEchoEverythingWhenAPeerHalfClosesMidMessage() throws Exception {
		for (String type : new String[] { "echo", "multiconn" }) {
			String name = "fault-half-" + type;
			long threads = jvmThreads();
			Listener listener = start(name, tcp(type, null, null, null, false));
			byte[] sent = new byte[256 * 1024 + 17];
			for (int i = 0; i < sent.length; i++) {
				sent[i] = (byte) (i * 31 + 7);
			}
			try (FaultProxy proxy = new FaultProxy(listener.port()); Socket socket = Sockets.connect(proxy.port())) {
				CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(socket));
				OutputStream out = socket.getOutputStream();
				out.write("Message 1 from client.Message 2 from cl".getBytes(StandardCharsets.US_ASCII));
				out.write(sent);
				socket.shutdownOutput();
				byte[] received = echoed.get(30, TimeUnit.SECONDS);
				assertThat(received).hasSize(39 + sent.length);
				assertThat(Arrays.copyOfRange(received, 39, received.length)).isEqualTo(sent);
				awaitReclaimed(listener);
			}
			assertThat(listener.stats().bytesSent()).isEqualTo(39 + sent.length);
			deleteAndAwaitThreads(name, threads);
		}
	}

	@Test
	void shouldCloseAfterTheWriteTimeoutWhenTheLinkFreezesWhileWriting(CapturedOutput output) throws Exception {
		long threads = jvmThreads();
		Listener echo = start("fault-freeze", tcp("echo", Duration.ofSeconds(30), SHORT, null, false));
		AtomicLong written = new AtomicLong();
		try (FaultProxy proxy = new FaultProxy(echo.port()).upstreamReceiveBuffer(4096);
				Socket socket = Sockets.connect(proxy.port())) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 1);
			proxy.freezeDownstream();
			long frozenAt = System.nanoTime();
			CompletableFuture<Void> flooding = CompletableFuture.runAsync(() -> {
				byte[] block = new byte[64 * 1024];
				try {
					for (int i = 0; i < 1024; i++) {
						socket.getOutputStream().write(block);
						written.addAndGet(block.length);
					}
				}
				catch (IOException ex) {
					// the server closed it: expected
				}
			});
			awaitReclaimed(echo);
			double seconds = (System.nanoTime() - frozenAt) / 1e9;
			flooding.get(30, TimeUnit.SECONDS);
			System.out.printf("FIGURE frozen link, write-timeout 1s: closed %.2f s after the freeze, %d bytes sent%n",
					seconds, written.get());
			assertThat(written.get()).isLessThan(64L * 1024 * 1024);
		}
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> echo.stats().errorsByKind().getOrDefault("write-timeout", 0L) == 1L);
		assertThat(warnings(output, "fault-freeze")).isEqualTo(1);
		deleteAndAwaitThreads("fault-freeze", threads);
	}

	@Test
	void shouldReclaimAfterTheIdleTimeoutWhenAnIdleLinkFreezes(CapturedOutput output) throws Exception {
		long threads = jvmThreads();
		Listener multiconn = start("fault-idle", tcp("multiconn", SHORT, SHORT, null, false));
		try (FaultProxy proxy = new FaultProxy(multiconn.port()); Socket socket = Sockets.connect(proxy.port())) {
			socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
			assertThat(Sockets.readExactly(socket.getInputStream(), 4)).isEqualTo("ping".getBytes());
			proxy.freeze();
			long frozenAt = System.nanoTime();
			awaitReclaimed(multiconn);
			System.out.printf("FIGURE frozen idle link, idle-timeout 1s: reclaimed %.2f s after the freeze%n",
					(System.nanoTime() - frozenAt) / 1e9);
		}
		assertThat(multiconn.stats().errorsByKind()).containsEntry("idle-timeout", 1L);
		// an idle timeout is routine: counted, logged at DEBUG only
		assertThat(warnings(output, "fault-idle")).isZero();
		deleteAndAwaitThreads("fault-idle", threads);
	}

	@Test
	void shouldReclaimAfterTheIdleTimeoutWhenAPeerVanishesWithoutAFin(CapturedOutput output) throws Exception {
		long threads = jvmThreads();
		Listener echo = start("fault-vanish", tcp("echo", SHORT, null, null, false));
		try (FaultProxy proxy = new FaultProxy(echo.port())) {
			Socket socket = Sockets.connect(proxy.port());
			socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
			assertThat(Sockets.readExactly(socket.getInputStream(), 4)).isEqualTo("ping".getBytes());
			proxy.vanish();
			long vanishedAt = System.nanoTime();
			assertThat(echo.connections()).hasSize(1);
			awaitReclaimed(echo);
			System.out.printf("FIGURE vanished peer (no FIN), idle-timeout 1s: reclaimed %.2f s after it vanished%n",
					(System.nanoTime() - vanishedAt) / 1e9);
			socket.close();
		}
		assertThat(echo.stats().errorsByKind()).containsEntry("idle-timeout", 1L);
		assertThat(warnings(output, "fault-vanish")).isZero();
		deleteAndAwaitThreads("fault-vanish", threads);
	}

	@Test
	void shouldCloseAfterTheFrameTimeoutWhenAHeaderIsTrickledAt1BytePerSecond(CapturedOutput output) throws Exception {
		Listener search = start("fault-trickle", tcp("search", null, null, Duration.ofSeconds(3), true));
		try (Socket slow = Sockets.connect(search.port())) {
			long startedAt = System.nanoTime();
			// a client pacing its bytes at 1 B/s on a timer (the test itself waits with
			// Awaitility)
			ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
			AtomicInteger sent = new AtomicInteger();
			pacer.scheduleAtFixedRate(() -> {
				try {
					slow.getOutputStream().write(MORPHEUS_REQUEST[sent.get()]);
					sent.incrementAndGet();
				}
				catch (IOException ex) {
					// closed by the server: expected
					throw new IllegalStateException(ex);
				}
			}, 0, 1, TimeUnit.SECONDS);
			try (Socket good = Sockets.connect(search.port())) {
				good.getOutputStream().write(MORPHEUS_REQUEST);
				assertThat(good.getInputStream().read()).isNotNegative();
			}
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> search.stats().errorsByKind().getOrDefault("frame-timeout", 0L) == 1L);
			System.out.printf("FIGURE header trickled at 1 B/s, frame-timeout 3s: closed after %.2f s%n",
					(System.nanoTime() - startedAt) / 1e9);
			slow.setSoTimeout(5000);
			int read;
			try {
				read = slow.getInputStream().read();
			}
			catch (IOException reset) {
				read = -1;
			}
			assertThat(read).isEqualTo(-1);
			pacer.shutdownNow();
			assertThat(sent.get()).isLessThan(20);
		}
		awaitReclaimed(search);
		assertThat(warnings(output, "fault-trickle")).isEqualTo(1);
	}

	/**
	 * A TCP listener on loopback port 0 with the given timeouts (null for the defaults).
	 */
	private static Map<String, Object> tcp(String type, Duration idle, Duration write, Duration frame,
			boolean keepAlive) {
		return Keys.of(type, 0, "bind", Sockets.LOOPBACK, "idle-timeout", millis(idle), "write-timeout", millis(write),
				"frame-timeout", millis(frame), "keep-alive", type.equals("search") ? keepAlive : null);
	}

	private static String millis(Duration duration) {
		return (duration != null) ? duration.toMillis() + "ms" : null;
	}

	private static void awaitReclaimed(Listener listener) {
		await().atMost(15, TimeUnit.SECONDS)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> listener.connections().isEmpty());
		// no thread of the listener is still blocked on a connection: only its accept
		// loop runs
		await().atMost(10, TimeUnit.SECONDS).until(() -> busyThreads(listener.name()) <= 1);
	}

	private static void assertServesAgain(Listener search) throws IOException {
		try (Socket socket = Sockets.connect(search.port())) {
			socket.getOutputStream().write(MORPHEUS_REQUEST);
			assertThat(socket.getInputStream().read()).isNotNegative();
		}
	}

	/** Delete the listener; every thread it had (and the proxy's) ends. */
	private void deleteAndAwaitThreads(String name, long baseline) {
		this.registry.delete(name);
		await().atMost(15, TimeUnit.SECONDS).until(() -> jvmThreads() <= baseline);
		System.out.println("FIGURE " + name + ": threads before " + baseline + ", after " + jvmThreads());
	}

	/**
	 * Live threads of the JVM, less the shared pools that come and go on their own (the
	 * common fork-join pool, Awaitility's condition threads). The first call in each test
	 * context starts a throwaway listener once, so the service's lazily started shared
	 * threads (the watchdog scheduler, the event loops) are counted in every baseline.
	 */
	private long jvmThreads() {
		if (warmed != this.registry) {
			warmed = this.registry;
			start("fault-warm", tcp("echo", null, null, null, false));
			this.registry.delete("fault-warm");
		}
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !thread.getName().startsWith("ForkJoinPool.commonPool")
					&& !thread.getName().startsWith("awaitility"))
			.count();
	}

	/** Threads of the listener's pool that are running, not parked idle in the pool. */
	private static long busyThreads(String listener) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("portico-" + listener + "-"))
			.filter((thread) -> thread.getState() == Thread.State.RUNNABLE)
			.count();
	}

	private static long warnings(CapturedOutput output, String listener) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("'" + listener + "'"))
			.count();
	}

	private static byte[] readAll(Socket socket) {
		try {
			InputStream in = socket.getInputStream();
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
