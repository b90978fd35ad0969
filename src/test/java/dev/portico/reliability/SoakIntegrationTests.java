package dev.portico.reliability;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;
import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.support.HttpTestClient;
import dev.portico.support.Sockets;

import static dev.portico.protocol.SearchTestFrames.searchRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole service under a mixed workload for {@code portico.soak.duration} (default
 * 60s; the ten-minute run is {@code bench/soak.sh}): echo streams, multiconn echoes with
 * REST pushes and broadcasts, search with and without keep-alive, UDP, REST polling, and
 * a stop/start of the echo listener every 30 s. No TCP byte may be lost or corrupted,
 * every push arrives exactly once, heap after GC and threads stay flat, and nothing is
 * logged at ERROR.
 */
@Tag("slow")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
				"portico.api.password=soak-secret",
				"management.endpoints.web.exposure.include=health,info,metrics,prometheus,listeners",
				"portico.listeners.echo.type=echo", "portico.listeners.echo.port=0",
				"portico.listeners.echo.bind=127.0.0.1", "portico.listeners.multiconn.type=multiconn",
				"portico.listeners.multiconn.port=0", "portico.listeners.multiconn.bind=127.0.0.1",
				"portico.listeners.search-ka.type=search", "portico.listeners.search-ka.port=0",
				"portico.listeners.search-ka.bind=127.0.0.1", "portico.listeners.search-ka.keep-alive=true",
				"portico.listeners.search.type=search", "portico.listeners.search.port=0",
				"portico.listeners.search.bind=127.0.0.1", "portico.listeners.udp.type=udp",
				"portico.listeners.udp.port=0", "portico.listeners.udp.bind=127.0.0.1" })
@ExtendWith(OutputCaptureExtension.class)
class SoakIntegrationTests {

	private static final Duration DURATION = DurationStyle
		.detectAndParse(System.getProperty("portico.soak.duration", "60s"));

	private static final Duration RESTART_EVERY = Duration.ofSeconds(30);

	private static final int MULTICONN_CLIENTS = 3;

	private static final long HEAP_TOLERANCE = 48L * 1024 * 1024;

	private static final int THREAD_TOLERANCE = 16;

	private static final Path INDEX = copyIndex();

	private static final Map<String, String> ANSWERS = Map.of("morpheus",
			"{\"result\": \"Follow the white rabbit. \uD83D\uDC30\"}", "ring",
			"{\"result\": \"In the caves beneath the Misty Mountains. \uD83D\uDC8D\"}");

	@LocalServerPort
	private int httpPort;

	@Autowired
	private ListenerRegistry registry;

	private HttpTestClient anonymous;

	private HttpTestClient operator;

	private final Queue<String> failures = new ConcurrentLinkedQueue<>();

	/**
	 * Odd while the echo listener is restarting, incremented before the stop and after
	 * the start: a connection opened at epoch e may be cut only during a restart or once
	 * this exceeds e.
	 */
	private final AtomicInteger restartEpoch = new AtomicInteger();

	private final LongAdder echoBytes = new LongAdder();

	private final LongAdder echoCut = new LongAdder();

	private final LongAdder searchAnswers = new LongAdder();

	private final LongAdder udpSent = new LongAdder();

	private final LongAdder udpLost = new LongAdder();

	private final LongAdder restPolls = new LongAdder();

	private final AtomicInteger pushSeq = new AtomicInteger();

	private volatile long deadline;

	@DynamicPropertySource
	static void searchIndex(DynamicPropertyRegistry registry) {
		registry.add("portico.search.data-dir", () -> INDEX.getParent().toString());
	}

	@Test
	void shouldLoseNoByteAndLeakNothingWhenSoakedWithAMixedWorkload(CapturedOutput output) throws Exception {
		this.anonymous = new HttpTestClient(this.httpPort);
		this.operator = this.anonymous.withCredentials("admin", "soak-secret");
		this.anonymous.json("/api/listeners");
		Snapshot start = Snapshot.take();

		List<MulticonnClient> multiconn = new ArrayList<>();
		for (int i = 0; i < MULTICONN_CLIENTS; i++) {
			multiconn.add(new MulticonnClient(i, port("multiconn")));
		}
		Map<Integer, String> idsByClientPort = new ConcurrentHashMap<>();
		await().atMost(10, TimeUnit.SECONDS).until(() -> {
			for (JsonNode connection : this.anonymous.json("/api/listeners/multiconn/connections")) {
				String remote = connection.path("remoteAddress").asString();
				idsByClientPort.put(Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1)),
						connection.path("id").asString());
			}
			return idsByClientPort.size() == MULTICONN_CLIENTS;
		});

		this.deadline = System.nanoTime() + DURATION.toNanos();
		ScheduledExecutorService workers = Executors.newScheduledThreadPool(12, new CustomizableThreadFactory("soak-"));
		List<EchoClient> echoes = List.of(new EchoClient(1), new EchoClient(2));
		for (EchoClient echo : echoes) {
			workers.scheduleWithFixedDelay(guard("echo", echo::step), 0, 1, TimeUnit.MILLISECONDS);
		}
		for (MulticonnClient client : multiconn) {
			workers.scheduleWithFixedDelay(guard("multiconn-read", client::readStep), 0, 1, TimeUnit.MILLISECONDS);
		}
		workers.scheduleWithFixedDelay(guard("multiconn-write", () -> multiconn.forEach(MulticonnClient::writeStep)), 0,
				5, TimeUnit.MILLISECONDS);
		workers.scheduleWithFixedDelay(guard("push", () -> push(multiconn, idsByClientPort)), 50, 100,
				TimeUnit.MILLISECONDS);
		SearchClient keepAlive = new SearchClient(true);
		workers.scheduleWithFixedDelay(guard("search-ka", keepAlive::step), 0, 2, TimeUnit.MILLISECONDS);
		SearchClient perConnection = new SearchClient(false);
		workers.scheduleWithFixedDelay(guard("search", perConnection::step), 0, 5, TimeUnit.MILLISECONDS);
		UdpClient udp = new UdpClient(port("udp"));
		workers.scheduleWithFixedDelay(guard("udp", udp::step), 0, 20, TimeUnit.MILLISECONDS);
		workers.scheduleWithFixedDelay(guard("rest", this::poll), 0, 500, TimeUnit.MILLISECONDS);
		workers.scheduleWithFixedDelay(guard("restart", this::restartEcho), RESTART_EVERY.toMillis(),
				RESTART_EVERY.toMillis(), TimeUnit.MILLISECONDS);

		await().atMost(DURATION.plusSeconds(30))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> System.nanoTime() > this.deadline || this.failures.size() > 20);
		workers.shutdown();
		assertThat(workers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

		// every multiconn echo and push arrives, exactly once
		await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> {
			multiconn.forEach(MulticonnClient::readStep);
			return multiconn.stream().allMatch(MulticonnClient::complete);
		});
		long multiconnBytes = 0;
		long pushes = 0;
		for (MulticonnClient client : multiconn) {
			client.verify();
			multiconnBytes += client.echoRead;
			pushes += client.pushesReceived();
			client.close();
		}
		echoes.forEach(EchoClient::close);
		keepAlive.close();
		perConnection.close();
		udp.close();
		for (Listener listener : this.registry.list()) {
			await().atMost(30, TimeUnit.SECONDS)
				.alias("connections of " + listener.name() + " closed")
				.until(() -> listener.connections().isEmpty());
		}
		Snapshot end = Snapshot.settle(start);

		String summary = String.format("SOAK duration %s: echo %d bytes verified (%d blocks cut by %d restarts),"
				+ " multiconn %d bytes verified and %d pushes each received once, search %d answers verified,"
				+ " udp %d sent %d lost, rest %d polls; heap after GC %d -> %d KiB, threads %d -> %d; failures %d",
				DURATION, this.echoBytes.sum(), this.echoCut.sum(), this.restartEpoch.get() / 2, multiconnBytes, pushes,
				this.searchAnswers.sum(), this.udpSent.sum(), this.udpLost.sum(), this.restPolls.sum(),
				start.heap / 1024, end.heap / 1024, start.threads, end.threads, this.failures.size());
		System.out.println(summary);
		System.out.println("SOAK threads by pool at start " + start.pools);
		System.out.println("SOAK threads by pool at end   " + end.pools);
		this.failures.stream().limit(20).forEach((failure) -> System.out.println("SOAK FAILURE " + failure));

		assertThat(this.failures).isEmpty();
		assertThat(this.echoBytes.sum()).isPositive();
		assertThat(multiconnBytes).isPositive();
		assertThat(pushes).isPositive();
		assertThat(this.searchAnswers.sum()).isPositive();
		assertThat(this.udpLost.sum()).isZero();
		assertThat(this.restartEpoch.get() / 2)
			.isGreaterThanOrEqualTo((int) Math.max(1, DURATION.toMillis() / RESTART_EVERY.toMillis() - 1));
		assertThat(end.heap - start.heap).isLessThan(HEAP_TOLERANCE);
		assertThat(end.threads - start.threads).isLessThanOrEqualTo(THREAD_TOLERANCE);
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ")).toList()).isEmpty();
	}

	/**
	 * Run one step of a worker until the deadline; record what it throws instead of dying
	 * silently.
	 */
	private Runnable guard(String worker, Runnable step) {
		return () -> {
			if (System.nanoTime() > this.deadline) {
				return;
			}
			try {
				step.run();
			}
			catch (RuntimeException | AssertionError ex) {
				this.failures.add(worker + ": " + ex);
			}
		};
	}

	private int port(String listener) {
		Listener found = this.registry.get(listener).orElseThrow();
		await().atMost(30, TimeUnit.SECONDS).until(() -> found.state() == ListenerState.RUNNING);
		return found.port();
	}

	private void poll() {
		JsonNode listeners = this.anonymous.json("/api/listeners");
		if (listeners.size() != 5) {
			this.failures.add("rest: " + listeners.size() + " listeners");
		}
		this.restPolls.increment();
	}

	private void restartEcho() {
		this.restartEpoch.incrementAndGet();
		try {
			expectState(this.operator.post("/api/listeners/echo/stop"), "STOPPED");
			expectState(this.operator.post("/api/listeners/echo/start"), "RUNNING");
		}
		finally {
			this.restartEpoch.incrementAndGet();
		}
	}

	private void expectState(HttpResponse<String> response, String state) {
		if (response.statusCode() != 200
				|| !HttpTestClient.parse(response.body()).path("state").asString().equals(state)) {
			this.failures.add("restart: " + response.statusCode() + " " + response.body());
		}
	}

	/**
	 * A push to one connection or a broadcast to all, alternately; each token must arrive
	 * once.
	 */
	private void push(List<MulticonnClient> clients, Map<Integer, String> idsByClientPort) {
		int seq = this.pushSeq.incrementAndGet();
		if (seq % 2 == 0) {
			MulticonnClient target = clients.get(seq % clients.size());
			String token = "<P" + seq + ">";
			target.expect(token);
			HttpResponse<String> response = this.operator.postText(
					"/api/listeners/multiconn/connections/" + idsByClientPort.get(target.localPort) + "/messages",
					token);
			if (response.statusCode() != 202) {
				this.failures.add("push: " + response.statusCode() + " " + response.body());
			}
		}
		else {
			String token = "<B" + seq + ">";
			clients.forEach((client) -> client.expect(token));
			HttpResponse<String> response = this.operator.postText("/api/listeners/multiconn/broadcast", token);
			JsonNode body = HttpTestClient.parse(response.body());
			if (response.statusCode() != 202 || body.path("queued").asInt() != clients.size()) {
				this.failures.add("broadcast: " + response.statusCode() + " " + response.body());
			}
		}
	}

	private static Path copyIndex() {
		try {
			Path copy = Files.createTempDirectory("portico-soak-index").resolve("search-index.json");
			Files.copy(Path.of("config/search-index.json"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			return copy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Streams random blocks through the echo listener and compares every byte; reconnects
	 * after a restart.
	 */
	private final class EchoClient {

		private final Random random;

		private final byte[] sent = new byte[16 * 1024];

		private final byte[] received = new byte[16 * 1024];

		private Socket socket;

		private int epoch;

		EchoClient(int seed) {
			this.random = new Random(seed);
		}

		void step() {
			try {
				if (this.socket == null) {
					this.epoch = SoakIntegrationTests.this.restartEpoch.get();
					this.socket = Sockets.connect(port("echo"));
				}
				int length = 1 + this.random.nextInt(this.sent.length);
				this.random.nextBytes(this.sent);
				this.socket.getOutputStream().write(this.sent, 0, length);
				InputStream in = this.socket.getInputStream();
				int at = 0;
				while (at < length) {
					int n = in.read(this.received, at, length - at);
					if (n < 0) {
						throw new EOFException("echo ended after " + at + " of " + length + " bytes");
					}
					at += n;
				}
				if (!Arrays.equals(this.sent, 0, length, this.received, 0, length)) {
					SoakIntegrationTests.this.failures.add("echo: a block of " + length + " bytes came back changed");
				}
				SoakIntegrationTests.this.echoBytes.add(length);
			}
			catch (IOException ex) {
				closeQuietly(this.socket);
				this.socket = null;
				int now = SoakIntegrationTests.this.restartEpoch.get();
				if (now > this.epoch || now % 2 == 1) {
					SoakIntegrationTests.this.echoCut.increment();
				}
				else {
					SoakIntegrationTests.this.failures.add("echo: connection lost without a restart: " + ex);
				}
			}
		}

		void close() {
			closeQuietly(this.socket);
		}

	}

	/**
	 * One multiconn connection: lower-case echo bytes, a known function of their
	 * position, and {@code <token>} pushes, which are queued whole and so arrive whole
	 * between echo chunks.
	 */
	private final class MulticonnClient {

		private final Socket socket;

		final int localPort;

		private final Map<String, Integer> expected = new ConcurrentHashMap<>();

		private final Map<String, Integer> received = new ConcurrentHashMap<>();

		private final byte[] buffer = new byte[8192];

		private final StringBuilder token = new StringBuilder();

		private final Random random;

		private volatile long echoWritten;

		private volatile long echoRead;

		private volatile boolean corrupt;

		MulticonnClient(int seed, int port) throws IOException {
			this.socket = Sockets.connect(port);
			this.socket.setSoTimeout(200);
			this.localPort = this.socket.getLocalPort();
			this.random = new Random(seed);
		}

		static byte at(long position) {
			return (byte) ('a' + (position * 7 + position / 26) % 26);
		}

		void expect(String token) {
			this.expected.merge(token, 1, Integer::sum);
		}

		void writeStep() {
			int length = 1 + this.random.nextInt(300);
			byte[] chunk = new byte[length];
			long from = this.echoWritten;
			for (int i = 0; i < length; i++) {
				chunk[i] = at(from + i);
			}
			try {
				this.socket.getOutputStream().write(chunk);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.echoWritten = from + length;
		}

		void readStep() {
			int n;
			try {
				n = this.socket.getInputStream().read(this.buffer);
			}
			catch (SocketTimeoutException ex) {
				return;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			if (n < 0) {
				throw new IllegalStateException("multiconn connection " + this.localPort + " closed by the server");
			}
			long position = this.echoRead;
			for (int i = 0; i < n; i++) {
				byte b = this.buffer[i];
				if (this.token.length() > 0 || b == '<') {
					this.token.append((char) b);
					if (b == '>') {
						this.received.merge(this.token.toString(), 1, Integer::sum);
						this.token.setLength(0);
					}
				}
				else if (b != at(position++)) {
					this.corrupt = true;
				}
			}
			this.echoRead = position;
		}

		boolean complete() {
			return this.echoRead == this.echoWritten && this.received.equals(this.expected) || this.corrupt;
		}

		void verify() {
			assertThat(this.corrupt).as("multiconn echo corrupted").isFalse();
			assertThat(this.echoRead).isEqualTo(this.echoWritten);
			assertThat(this.received).isEqualTo(this.expected);
			// drain what the last read step may still hold: nothing more may arrive
			assertThat(this.token.length()).isZero();
		}

		long pushesReceived() {
			return this.received.values().stream().mapToLong(Integer::longValue).sum();
		}

		void close() {
			closeQuietly(this.socket);
		}

	}

	/**
	 * Search requests with verified answers: on one kept-alive connection, or one
	 * connection each.
	 */
	private final class SearchClient {

		private final boolean keepAlive;

		private Socket socket;

		private SearchFrameDecoder decoder;

		private int seq;

		SearchClient(boolean keepAlive) {
			this.keepAlive = keepAlive;
		}

		void step() {
			String query = switch (this.seq++ % 3) {
				case 0 -> "morpheus";
				case 1 -> "ring";
				default -> "miss-" + this.seq;
			};
			String answer = ANSWERS.getOrDefault(query, "{\"result\": \"No match for '" + query + "'.\"}");
			try {
				if (this.socket == null) {
					this.socket = Sockets.connect(port(this.keepAlive ? "search-ka" : "search"));
					this.decoder = new SearchFrameDecoder();
				}
				this.socket.getOutputStream().write(searchRequest(query));
				SearchMessage message = readOne(this.socket.getInputStream());
				String content = new String(message.content(), StandardCharsets.UTF_8);
				if (!content.equals(answer)) {
					SoakIntegrationTests.this.failures.add("search: '" + query + "' answered " + content);
				}
				SoakIntegrationTests.this.searchAnswers.increment();
				if (!this.keepAlive) {
					if (this.socket.getInputStream().read() != -1) {
						SoakIntegrationTests.this.failures.add("search: not closed after the answer");
					}
					close();
				}
			}
			catch (IOException ex) {
				close();
				SoakIntegrationTests.this.failures.add("search" + (this.keepAlive ? "-ka" : "") + ": " + ex);
			}
		}

		private SearchMessage readOne(InputStream in) throws IOException {
			byte[] buffer = new byte[512];
			List<SearchMessage> messages = new ArrayList<>();
			while (messages.isEmpty()) {
				int n = in.read(buffer);
				if (n < 0) {
					throw new EOFException("closed before the answer");
				}
				try {
					messages.addAll(this.decoder.decode(buffer, 0, n));
				}
				catch (Exception ex) {
					throw new IOException(ex);
				}
			}
			if (messages.size() > 1) {
				throw new IOException(messages.size() + " answers to one request");
			}
			return messages.get(0);
		}

		void close() {
			closeQuietly(this.socket);
			this.socket = null;
		}

	}

	/**
	 * One datagram per step, its echo awaited for a second; a late echo is read past, a
	 * missing one counted.
	 */
	private final class UdpClient {

		private final DatagramSocket socket;

		private final byte[] buffer = new byte[64];

		private long seq;

		UdpClient(int port) throws IOException {
			this.socket = new DatagramSocket(new InetSocketAddress(Sockets.LOOPBACK, 0));
			this.socket.connect(new InetSocketAddress(Sockets.LOOPBACK, port));
			this.socket.setSoTimeout(1000);
		}

		void step() {
			String sent = "u" + (++this.seq);
			try {
				this.socket.send(new DatagramPacket(sent.getBytes(StandardCharsets.US_ASCII), sent.length()));
				SoakIntegrationTests.this.udpSent.increment();
				while (true) {
					DatagramPacket packet = new DatagramPacket(this.buffer, this.buffer.length);
					this.socket.receive(packet);
					String reply = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
					if (reply.equals(sent)) {
						return;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				SoakIntegrationTests.this.udpLost.increment();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		void close() {
			this.socket.close();
		}

	}

	/**
	 * Heap used after a full GC and live threads, less the test's own (its workers and
	 * HTTP clients). Idle threads of the listeners' cached pools (Java 17) linger up to
	 * 60 s after their connections close; the tolerance covers them.
	 */
	private record Snapshot(long heap, long threads, Map<String, Long> pools) {

		static Snapshot take() {
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			memory.gc();
			memory.gc();
			List<String> names = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.map(Thread::getName)
				.filter((name) -> !name.startsWith("soak-") && !name.startsWith("ForkJoinPool.commonPool")
						&& !name.startsWith("awaitility") && !name.startsWith("HttpClient-"))
				.toList();
			// threads by pool: the name without its trailing number
			Map<String, Long> pools = new java.util.TreeMap<>(names.stream()
				.collect(java.util.stream.Collectors.groupingBy((name) -> name.replaceAll("-?\\d+$", ""),
						java.util.stream.Collectors.counting())));
			return new Snapshot(memory.getHeapMemoryUsage().getUsed(), names.size(), pools);
		}

		/**
		 * A snapshot once threads are back within the tolerance, or after a bounded wait.
		 */
		static Snapshot settle(Snapshot start) {
			try {
				await().atMost(15, TimeUnit.SECONDS)
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> Snapshot.take().threads <= start.threads + THREAD_TOLERANCE);
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				// reported and asserted against the tolerance by the caller
			}
			return take();
		}

	}

	private static void closeQuietly(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

}
