package dev.portico.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerConnection;
import dev.portico.listener.ListenerStatus;
import dev.portico.protocol.SearchTestFrames;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * TLS listeners on real sockets with certificates made for the run: echo of 1 byte to 8
 * MiB, mutual TLS accepted and refused, what is closed and counted as {@code tls} (plain
 * bytes, a stalled handshake, no protocol in common), JKS and PEM bundles, and a
 * certificate renewed on disk picked up by the next connection.
 */
@Import(TlsListenerIntegrationTests.Flows.class)
class TlsListenerIntegrationTests extends ListenerTestSupport {

	private static final TestCertificates certificates = TestCertificates.get();

	private static Path reloadDirectory;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) throws IOException {
		pem(registry, "server", "server", true);
		pem(registry, "no-trust", "server", false);
		registry.add("spring.ssl.bundle.pem.tls13.keystore.certificate", () -> certificates.location("server.crt"));
		registry.add("spring.ssl.bundle.pem.tls13.keystore.private-key", () -> certificates.location("server.key"));
		registry.add("spring.ssl.bundle.pem.tls13.options.enabled-protocols", () -> "TLSv1.3");
		registry.add("spring.ssl.bundle.jks.server-jks.keystore.location", () -> certificates.location("server.jks"));
		registry.add("spring.ssl.bundle.jks.server-jks.keystore.password", () -> TestCertificates.JKS_PASSWORD);
		registry.add("spring.ssl.bundle.jks.server-jks.keystore.type", () -> "JKS");
		registry.add("spring.ssl.bundle.jks.server-jks.truststore.location", () -> certificates.location("trust.jks"));
		registry.add("spring.ssl.bundle.jks.server-jks.truststore.password", () -> TestCertificates.JKS_PASSWORD);
		reloadDirectory = Files.createTempDirectory(certificates.path("."), "reload-");
		Files.copy(certificates.path("server.crt"), reloadDirectory.resolve("server.crt"));
		Files.copy(certificates.path("server.key"), reloadDirectory.resolve("server.key"));
		registry.add("spring.ssl.bundle.pem.reloading.reload-on-update", () -> "true");
		registry.add("spring.ssl.bundle.pem.reloading.keystore.certificate",
				() -> "file:" + reloadDirectory.resolve("server.crt"));
		registry.add("spring.ssl.bundle.pem.reloading.keystore.private-key",
				() -> "file:" + reloadDirectory.resolve("server.key"));
		registry.add("spring.ssl.bundle.watch.file.quiet-period", () -> "200ms");
	}

	private static void pem(DynamicPropertyRegistry registry, String bundle, String certificate, boolean trust) {
		String prefix = "spring.ssl.bundle.pem." + bundle + ".";
		registry.add(prefix + "keystore.certificate", () -> certificates.location(certificate + ".crt"));
		registry.add(prefix + "keystore.private-key", () -> certificates.location(certificate + ".key"));
		if (trust) {
			registry.add(prefix + "truststore.certificate", () -> certificates.location("ca.crt"));
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 100, 16 * 1024 + 1, 1024 * 1024, 8 * 1024 * 1024 })
	void shouldEchoEveryByteOverTlsAndCountOnlyApplicationBytes(int size) throws Exception {
		Listener echo = start("tls-echo", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));
		byte[] data = new byte[size];
		new Random(size).nextBytes(data);

		try (SSLSocket socket = connect(echo.port(), certificates.clientContext())) {
			assertThat(echoed(socket, data)).isEqualTo(data);
			await().atMost(5, TimeUnit.SECONDS).until(() -> only(echo).bytesOut() == size);
			ListenerConnection connection = only(echo);
			assertThat(connection.bytesIn()).isEqualTo(size);
			assertThat(connection.tls().protocol()).isEqualTo(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
			assertThat(connection.tls().cipherSuite()).isEqualTo(socket.getSession().getCipherSuite());
			assertThat(connection.tls().clientSubject()).isNull();
		}
		assertThat(echo.stats().bytesReceived()).isEqualTo(size);
		assertThat(echo.stats().errorsByKind()).doesNotContainKey("tls");
	}

	@Test
	void shouldShowTheListenersTlsSettings() {
		Listener echo = start("tls-settings",
				Keys.of("echo", 0, "ssl.bundle", "server", "ssl.client-auth", "want", "ssl.handshake-timeout", "3s"));
		Listener only13 = start("tls-13", Keys.of("echo", 0, "ssl.bundle", "tls13"));
		Listener plain = start("plain", Keys.of("echo", 0));

		ListenerStatus.Tls tls = echo.status().tls();
		assertThat(tls.bundle()).isEqualTo("server");
		assertThat(tls.clientAuth()).isEqualTo("want");
		assertThat(tls.handshakeTimeout()).isEqualTo("3000ms");
		assertThat(tls.protocols()).contains("TLSv1.3", "TLSv1.2");
		assertThat(only13.status().tls().protocols()).containsExactly("TLSv1.3");
		assertThat(plain.status().tls()).isNull();
		assertThat(plain.status().proxyProtocol()).isNull();
	}

	@Test
	void shouldServe200ConcurrentTlsConnections() throws Exception {
		Listener echo = start("tls-many", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));
		SSLContext context = certificates.clientContext();
		List<SSLSocket> sockets = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Future<SSLSocket>> handshakes = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				handshakes.add(pool.submit(() -> connect(echo.port(), context)));
			}
			for (Future<SSLSocket> handshake : handshakes) {
				sockets.add(handshake.get(60, TimeUnit.SECONDS));
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> echo.connections().size() == 200);
			List<Future<byte[]>> echoes = new ArrayList<>();
			for (int i = 0; i < sockets.size(); i++) {
				SSLSocket socket = sockets.get(i);
				byte[] message = ("message " + i).getBytes();
				echoes.add(pool.submit(() -> echoed(socket, message)));
			}
			for (int i = 0; i < echoes.size(); i++) {
				assertThat(new String(echoes.get(i).get(30, TimeUnit.SECONDS))).isEqualTo("message " + i);
			}
		}
		finally {
			for (SSLSocket socket : sockets) {
				socket.close();
			}
			pool.shutdownNow();
		}
		assertThat(echo.stats().acceptedTotal()).isEqualTo(200);
		assertThat(echo.stats().errorsByKind()).doesNotContainKey("tls");
	}

	@Test
	void shouldAcceptATrustedClientCertificateAndShowItsSubjectWhenClientAuthIsNeed() throws Exception {
		Listener echo = start("mtls", Keys.of("echo", 0, "ssl.bundle", "server", "ssl.client-auth", "need"));

		try (SSLSocket socket = connect(echo.port(), certificates.context("client"))) {
			assertThat(echoed(socket, "ping".getBytes())).isEqualTo("ping".getBytes());
			assertThat(only(echo).tls().clientSubject()).isEqualTo("O=Portico Tests,CN=portico-test-client");
		}
		assertThat(echo.stats().errorsByKind()).doesNotContainKey("tls");
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "rogue-client" })
	void shouldCloseAndCountAMissingOrUntrustedClientCertificateWhenClientAuthIsNeed(String client) throws Exception {
		Listener echo = start("mtls-refused", Keys.of("echo", 0, "ssl.bundle", "server", "ssl.client-auth", "need"));
		SSLContext context = certificates.context(client.equals("none") ? null : client);

		assertRefused(echo.port(), context);

		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
		assertThat(echo.connections()).isEmpty();
		try (SSLSocket good = connect(echo.port(), certificates.context("client"))) {
			assertThat(echoed(good, "still served".getBytes())).isEqualTo("still served".getBytes());
		}
	}

	@Test
	void shouldAcceptClientsWithAndWithoutATrustedCertificateWhenClientAuthIsWant() throws Exception {
		Listener echo = start("mtls-want", Keys.of("echo", 0, "ssl.bundle", "server", "ssl.client-auth", "want"));

		try (SSLSocket anonymous = connect(echo.port(), certificates.clientContext());
				SSLSocket known = connect(echo.port(), certificates.context("client"))) {
			assertThat(echoed(anonymous, "a".getBytes())).isEqualTo("a".getBytes());
			assertThat(echoed(known, "b".getBytes())).isEqualTo("b".getBytes());
			assertThat(echo.connections()).extracting((connection) -> connection.tls().clientSubject())
				.containsExactlyInAnyOrder(null, "O=Portico Tests,CN=portico-test-client");
		}
		assertRefused(echo.port(), certificates.context("rogue-client"));
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
	}

	@Test
	void shouldCloseAndCountPlainBytesOnATlsPortWhileOthersAreServed() throws Exception {
		Listener echo = start("tls-plain", Keys.of("echo", 0, "ssl.bundle", "server"));
		FunctionCounter counted = this.meters.get("portico.errors")
			.tag("listener", "tls-plain")
			.tag("kind", "tls")
			.functionCounter();
		assertThat(counted.count()).as("the meter exists at 0 from the start").isZero();

		try (Socket plain = Sockets.connect(echo.port());
				SSLSocket good = connect(echo.port(), certificates.clientContext())) {
			plain.getOutputStream().write("hello, plain text\r\n".getBytes());
			byte[] answer = plain.getInputStream().readAllBytes();
			assertThat(new String(answer)).doesNotContain("hello");
			assertThat(echoed(good, "tls".getBytes())).isEqualTo("tls".getBytes());
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
		assertThat(echo.stats().errorsTotal()).isEqualTo(1);
		assertThat(counted.count()).isEqualTo(1);
	}

	@Test
	void shouldCloseAndCountAHandshakeThatNeverCompletesAtTheDeadline() throws Exception {
		Listener echo = start("tls-stall",
				Keys.of("echo", 0, "ssl.bundle", "server", "ssl.handshake-timeout", "600ms"));

		try (Socket silent = Sockets.connect(echo.port()); Socket stalled = Sockets.connect(echo.port())) {
			// a ClientHello's record header, then nothing
			stalled.getOutputStream().write(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 });
			long started = System.nanoTime();
			assertThat(stalled.getInputStream().read()).isEqualTo(-1);
			assertThat(silent.getInputStream().read()).isEqualTo(-1);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			assertThat(millis).isBetween(300L, 5000L);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 2);
		assertThat(echo.connections()).isEmpty();
	}

	@Test
	void shouldCloseAndCountAClientWithNoProtocolInCommon() throws Exception {
		Listener echo = start("tls-protocols", Keys.of("echo", 0, "ssl.bundle", "tls13"));
		SSLContext context = certificates.clientContext();

		try (SSLSocket old = (SSLSocket) context.getSocketFactory().createSocket()) {
			old.connect(new InetSocketAddress(Sockets.LOOPBACK, echo.port()), 5000);
			old.setSoTimeout(10_000);
			old.setEnabledProtocols(new String[] { "TLSv1.2" });
			assertThatExceptionOfType(SSLException.class).isThrownBy(old::startHandshake);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
	}

	@Test
	void shouldCloseQuietlyAPeerThatLeavesWithoutAByte() throws Exception {
		Listener echo = start("tls-leave", Keys.of("echo", 0, "ssl.bundle", "server"));

		for (int i = 0; i < 3; i++) {
			Sockets.connect(echo.port()).close();
		}
		try (SSLSocket good = connect(echo.port(), certificates.clientContext())) {
			assertThat(echoed(good, "x".getBytes())).isEqualTo("x".getBytes());
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().acceptedTotal() == 4);
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldServeTlsFromAJksBundle() throws Exception {
		Listener echo = start("tls-jks", Keys.of("echo", 0, "ssl.bundle", "server-jks", "ssl.client-auth", "need"));

		try (SSLSocket socket = connect(echo.port(), certificates.context("client"))) {
			assertThat(echoed(socket, "jks".getBytes())).isEqualTo("jks".getBytes());
			assertThat(only(echo).tls().clientSubject()).contains("CN=portico-test-client");
		}
	}

	@Test
	void shouldServeTlsOnMulticonnAndSearchListeners() throws Exception {
		Listener multiconn = start("tls-multiconn", Keys.of("multiconn", 0, "ssl.bundle", "server"));
		Listener search = start("tls-search", Keys.of("search", 0, "ssl.bundle", "server"));

		try (SSLSocket socket = connect(multiconn.port(), certificates.clientContext())) {
			assertThat(echoed(socket, "queued".getBytes())).isEqualTo("queued".getBytes());
			String id = only(multiconn).id();
			assertThat(((TcpServer<?>) multiconn.runtime()).push(id, "pushed".getBytes())).isEqualTo(PushResult.QUEUED);
			assertThat(Sockets.readExactly(socket.getInputStream(), 6)).isEqualTo("pushed".getBytes());
		}
		try (SSLSocket socket = connect(search.port(), certificates.clientContext())) {
			socket.getOutputStream().write(SearchTestFrames.MORPHEUS_REQUEST);
			// the answer, then close_notify: a TLS client reads to a clean end of stream
			assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
				.contains("Follow the white rabbit.");
		}
		assertThat(search.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldServeTlsOnAFlowListener() throws Exception {
		Listener flow = start("tls-flow",
				Keys.of("flow", 0, "framing", "crlf", "inbound-channel", "tlsShout", "ssl.bundle", "server"));

		try (SSLSocket socket = connect(flow.port(), certificates.clientContext())) {
			socket.getOutputStream().write("quiet please\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(Sockets.readExactly(socket.getInputStream(), 14)).isEqualTo("QUIET PLEASE\r\n".getBytes());
			assertThat(only(flow).tls().protocol()).isEqualTo("TLSv1.3");
		}
	}

	@Test
	void shouldThrottleAndThenCloseATlsClientThatNeverReadsWhileOthersAreServed() throws Exception {
		Listener multiconn = start("tls-slow", Keys.of("multiconn", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server",
				"write-timeout", "2s", "max-queued-bytes", "256KB"));
		SSLContext context = certificates.clientContext();
		AtomicLong written = new AtomicLong();
		Socket raw = new Socket();
		raw.setReceiveBufferSize(4096);
		raw.connect(new InetSocketAddress(Sockets.LOOPBACK, multiconn.port()), 5000);
		try (SSLSocket hog = (SSLSocket) context.getSocketFactory()
			.createSocket(raw, Sockets.LOOPBACK, multiconn.port(), true);
				SSLSocket good = connect(multiconn.port(), context)) {
			hog.startHandshake();
			CompletableFuture<Void> flooding = Sockets.flood(hog.getOutputStream(), written);
			// while the hog is throttled, the good client is served
			for (int i = 0; i < 20; i++) {
				byte[] ping = ("ping " + i).getBytes();
				assertThat(echoed(good, ping)).isEqualTo(ping);
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> multiconn.status().queue().bytes() > 128 * 1024);
			assertThat(multiconn.status().queue().bytes()).isLessThanOrEqualTo(256 * 1024 + 64 * 1024);
			// closed after the write timeout, long before 64 MiB were taken
			flooding.get(30, TimeUnit.SECONDS);
			assertThat(written.get()).isLessThan(64L * 1024 * 1024);
			await().atMost(10, TimeUnit.SECONDS).until(() -> multiconn.connections().size() == 1);
			assertThat(echoed(good, "still here".getBytes())).isEqualTo("still here".getBytes());
		}
		assertThat(multiconn.stats().errorsByKind()).containsAnyOf(entry("queue-overflow", 1L),
				entry("write-timeout", 1L));
		assertThat(multiconn.stats().errorsByKind()).doesNotContainKey("tls");
	}

	@Test
	void shouldUseARenewedCertificateForNewConnectionsWhileAnOpenOneKeepsItsSession() throws Exception {
		Listener echo = start("tls-reload", Keys.of("echo", 0, "ssl.bundle", "reloading"));
		SSLContext context = certificates.clientContext();

		try (SSLSocket before = connect(echo.port(), context)) {
			assertThat(subject(before)).doesNotContain("Renewed");
			Path renewedKey = reloadDirectory.resolve("server.key.new");
			Path renewedCertificate = reloadDirectory.resolve("server.crt.new");
			Files.copy(certificates.path("server-renewed.key"), renewedKey);
			Files.copy(certificates.path("server-renewed.crt"), renewedCertificate);
			Files.move(renewedKey, reloadDirectory.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING,
					StandardCopyOption.ATOMIC_MOVE);
			Files.move(renewedCertificate, reloadDirectory.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING,
					StandardCopyOption.ATOMIC_MOVE);

			await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() -> {
				try (SSLSocket after = connect(echo.port(), context)) {
					return subject(after).contains("Renewed") && echoed(after, "new".getBytes()).length == 3;
				}
			});
			assertThat(echoed(before, "old session".getBytes())).isEqualTo("old session".getBytes());
			assertThat(subject(before)).doesNotContain("Renewed");
		}
		assertThat(echo.stats().errorsByKind()).doesNotContainKey("tls");
	}

	/** A flow of the application's, behind a TLS flow listener. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Flows {

		@Bean
		IntegrationFlow tlsShoutFlow() {
			return IntegrationFlow.from("tlsShout")
				.<byte[], String>transform(
						(bytes) -> new String(bytes, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT))
				.get();
		}

	}

	/** A client that verifies the server's certificate and its IP address. */
	static SSLSocket connect(int port, SSLContext context) throws IOException {
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
		socket.connect(new InetSocketAddress(Sockets.LOOPBACK, port), 5000);
		socket.setSoTimeout(20_000);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		socket.setSSLParameters(parameters);
		socket.startHandshake();
		return socket;
	}

	/** Writes on one thread, reads as much back on this one. */
	static byte[] echoed(Socket socket, byte[] data) throws Exception {
		OutputStream out = socket.getOutputStream();
		CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
			try {
				out.write(data);
				out.flush();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		byte[] back = Sockets.readExactly(socket.getInputStream(), data.length);
		writing.get(30, TimeUnit.SECONDS);
		return back;
	}

	/**
	 * A handshake the server refuses fails on the client, at the handshake or, in TLS 1.3
	 * where the server checks the client's certificate after the client finished, at the
	 * first read.
	 */
	private static void assertRefused(int port, SSLContext context) throws IOException {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress(Sockets.LOOPBACK, port), 5000);
			socket.setSoTimeout(10_000);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
				socket.startHandshake();
				socket.getOutputStream().write('x');
				InputStream in = socket.getInputStream();
				if (in.read() < 0) {
					throw new IOException("closed");
				}
			});
		}
	}

	private static String subject(SSLSocket socket) throws IOException {
		return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
	}

	private static ListenerConnection only(Listener listener) {
		await().atMost(5, TimeUnit.SECONDS).until(() -> listener.connections().size() == 1);
		return listener.connections().iterator().next();
	}

}
