package dev.portico.tcp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.messaging.Message;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerConnection;
import dev.portico.listener.ListenerStatus;
import dev.portico.protocol.IpAddressText;
import dev.portico.protocol.ProxyHeaderEncoder;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PROXY protocol on real sockets: versions 1 and 2 from trusted and untrusted
 * sources, optional and required, the client's address in the connection view, the
 * inbound channel's headers and {@code max-connections-per-ip}; malformed, truncated and
 * slow headers closed and counted; a header in front of a TLS handshake.
 */
@Import(ProxyProtocolIntegrationTests.Channels.class)
class ProxyProtocolIntegrationTests extends ListenerTestSupport {

	private static final InetSocketAddress CLIENT = address("203.0.113.7", 51000);

	private static final InetSocketAddress CLIENT6 = address("2001:db8::42", 51001);

	private static final InetSocketAddress SERVICE = address("198.51.100.1", 443);

	@Autowired
	private QueueChannel proxyTap;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) {
		TestCertificates.get().addServerBundle(registry, "server", false);
	}

	@ParameterizedTest
	@ValueSource(strings = { "v1", "v2" })
	void shouldTakeTheClientsAddressFromATrustedHeaderEverywhere(String version) throws Exception {
		Listener echo = start("proxy-" + version,
				Keys.of("echo", 0, "proxy-protocol", "required", "inbound-channel", "proxyTap"));
		this.proxyTap.clear();

		try (Socket balancer = Sockets.connect(echo.port())) {
			// the header and the first payload in one segment, as a balancer sends them
			balancer.getOutputStream().write(join(header(version, CLIENT), "hello".getBytes()));
			assertThat(Sockets.readExactly(balancer.getInputStream(), 5)).isEqualTo("hello".getBytes());

			ListenerConnection connection = only(echo);
			assertThat(connection.remoteAddress()).isEqualTo("203.0.113.7:51000");
			assertThat(connection.proxiedBy()).isEqualTo(Sockets.LOOPBACK + ":" + balancer.getLocalPort());
			assertThat(connection.bytesIn()).isEqualTo(5);
			Message<?> tapped = this.proxyTap.receive(5000);
			assertThat(tapped.getHeaders().get(IpHeaders.IP_ADDRESS)).isEqualTo("203.0.113.7");
			assertThat(tapped.getHeaders().get(IpHeaders.REMOTE_PORT)).isEqualTo(51000);
		}
		assertThat(echo.stats().bytesReceived()).isEqualTo(5);
		assertThat(echo.stats().errorsTotal()).isZero();
		ListenerStatus.ProxyProtocol settings = echo.status().proxyProtocol();
		assertThat(settings.mode()).isEqualTo("required");
		assertThat(settings.trustedFrom()).containsExactly("127.0.0.0/8", "::1/128");
	}

	@Test
	void shouldReadAnIpv6ClientFromAVersion1Header() throws Exception {
		Listener echo = start("proxy-v6", Keys.of("echo", 0, "proxy-protocol", "required"));

		try (Socket balancer = Sockets.connect(echo.port())) {
			balancer.getOutputStream().write(ProxyHeaderEncoder.v1(CLIENT6, SERVICE));
			assertEcho(balancer, "six");
			assertThat(only(echo).remoteAddress()).isEqualTo("2001:db8:0:0:0:0:0:42:51001");
		}
	}

	@Test
	void shouldKeepTheBalancersAddressForLocalAndUnknown() throws Exception {
		Listener echo = start("proxy-local", Keys.of("echo", 0, "proxy-protocol", "required"));

		for (byte[] header : List.of(ProxyHeaderEncoder.v2Local(), ProxyHeaderEncoder.v1Unknown())) {
			try (Socket balancer = Sockets.connect(echo.port())) {
				balancer.getOutputStream().write(header);
				assertEcho(balancer, "health");
				ListenerConnection connection = only(echo);
				assertThat(connection.remoteAddress()).isEqualTo(Sockets.LOOPBACK + ":" + balancer.getLocalPort());
				assertThat(connection.proxiedBy()).isNull();
			}
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().isEmpty());
		}
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldServeConnectionsWithAndWithoutAHeaderWhenOptional() throws Exception {
		Listener echo = start("proxy-optional", Keys.of("echo", 0, "proxy-protocol", "optional"));

		try (Socket direct = Sockets.connect(echo.port()); Socket proxied = Sockets.connect(echo.port())) {
			// one byte at a time: it could be a header until the second byte says not
			direct.getOutputStream().write('P');
			direct.getOutputStream().flush();
			direct.getOutputStream().write("ing".getBytes());
			assertThat(Sockets.readExactly(direct.getInputStream(), 4)).isEqualTo("Ping".getBytes());
			proxied.getOutputStream().write(ProxyHeaderEncoder.v2(CLIENT, SERVICE));
			assertEcho(proxied, "pong");
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 2);
			assertThat(echo.connections()).extracting(ListenerConnection::remoteAddress)
				.containsExactlyInAnyOrder(Sockets.LOOPBACK + ":" + direct.getLocalPort(), "203.0.113.7:51000");
		}
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldCloseAndCountAConnectionWithoutAHeaderWhenRequired() throws Exception {
		Listener echo = start("proxy-missing", Keys.of("echo", 0, "proxy-protocol", "required"));
		FunctionCounter counted = this.meters.get("portico.errors")
			.tag("listener", "proxy-missing")
			.tag("kind", "proxy-protocol")
			.functionCounter();
		assertThat(counted.count()).as("the meter exists at 0 from the start").isZero();

		try (Socket direct = Sockets.connect(echo.port())) {
			direct.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
			assertClosedWithoutAnswer(direct);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
		assertThat(counted.count()).isEqualTo(1);
		assertThat(echo.connections()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "optional", "required" })
	void shouldTreatAHeaderFromAnUntrustedSourceAsAnAttack(String mode) throws Exception {
		Listener echo = start("proxy-untrusted-" + mode,
				Keys.of("echo", 0, "proxy-protocol", mode, "proxy-trusted-from", "10.0.0.0/8, fd00::/8"));

		try (Socket forger = Sockets.connect(echo.port())) {
			forger.getOutputStream().write(join(ProxyHeaderEncoder.v1(CLIENT, SERVICE), "x".getBytes()));
			assertClosedWithoutAnswer(forger);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
		assertThat(echo.status().proxyProtocol().trustedFrom()).containsExactly("10.0.0.0/8", "fd00::/8");
	}

	@Test
	void shouldServeAnUntrustedSourceWithoutAHeaderAsItselfWhenOptional() throws Exception {
		Listener echo = start("proxy-untrusted-plain",
				Keys.of("echo", 0, "proxy-protocol", "optional", "proxy-trusted-from", "10.0.0.0/8"));

		try (Socket direct = Sockets.connect(echo.port())) {
			assertEcho(direct, "plain");
			assertThat(only(echo).remoteAddress()).isEqualTo(Sockets.LOOPBACK + ":" + direct.getLocalPort());
		}
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldCloseAnUntrustedSourceAtOnceWhenRequired() throws Exception {
		Listener echo = start("proxy-untrusted-required",
				Keys.of("echo", 0, "proxy-protocol", "required", "proxy-trusted-from", "10.0.0.0/8"));

		try (Socket direct = Sockets.connect(echo.port())) {
			// it is closed before it sends anything
			assertThat(direct.getInputStream().read()).isEqualTo(-1);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
	}

	@Test
	void shouldApplyThePerAddressLimitToTheProxiedAddress() throws Exception {
		Listener echo = start("proxy-per-ip",
				Keys.of("echo", 0, "proxy-protocol", "required", "max-connections-per-ip", 1));
		InetSocketAddress other = address("203.0.113.8", 52000);

		try (Socket first = Sockets.connect(echo.port()); Socket second = Sockets.connect(echo.port())) {
			first.getOutputStream().write(ProxyHeaderEncoder.v2(CLIENT, SERVICE));
			assertEcho(first, "1");
			// the same balancer, another client: admitted
			second.getOutputStream().write(ProxyHeaderEncoder.v2(other, SERVICE));
			assertEcho(second, "2");
			try (Socket again = Sockets.connect(echo.port())) {
				again.getOutputStream().write(ProxyHeaderEncoder.v1(address("203.0.113.7", 51999), SERVICE));
				assertClosedWithoutAnswer(again);
			}
			assertThat(echo.stats().rejectedByReason()).containsEntry("max-connections-per-ip", 1L);
			first.close();
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 1);
			try (Socket back = Sockets.connect(echo.port())) {
				back.getOutputStream().write(ProxyHeaderEncoder.v1(CLIENT, SERVICE));
				assertEcho(back, "3");
			}
		}
		assertThat(echo.stats().acceptedTotal()).isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROXY TCP4 203.0.113.256 198.51.100.1 1 2\r\n", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",
			"PROXY TCP9 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY UNKNOWN padding-padding-padding-padding-padding-padding-"
					+ "padding-padding-padding-padding-padding-padding-padding-padding\r\n" })
	void shouldCloseAndCountAMalformedOrOversizedHeader(String header) throws Exception {
		Listener echo = start("proxy-bad", Keys.of("echo", 0, "proxy-protocol", "optional"));

		try (Socket bad = Sockets.connect(echo.port()); Socket good = Sockets.connect(echo.port())) {
			bad.getOutputStream().write(header.getBytes(StandardCharsets.US_ASCII));
			assertClosedWithoutAnswer(bad);
			good.getOutputStream().write(ProxyHeaderEncoder.v1(CLIENT, SERVICE));
			assertEcho(good, "fine");
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
		assertThat(echo.stats().errorsTotal()).isEqualTo(1);
	}

	@Test
	void shouldCloseAndCountAVersion2HeaderDeclaringMoreThanTheLimit() throws Exception {
		Listener echo = start("proxy-huge", Keys.of("echo", 0, "proxy-protocol", "required"));

		try (Socket bad = Sockets.connect(echo.port())) {
			bad.getOutputStream().write(ProxyHeaderEncoder.v2(0x21, 0x11, new byte[60_000]));
			assertClosedWithoutAnswer(bad);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
	}

	@Test
	void shouldCloseAndCountATruncatedHeader() throws Exception {
		Listener echo = start("proxy-truncated", Keys.of("echo", 0, "proxy-protocol", "required"));

		try (Socket bad = Sockets.connect(echo.port())) {
			bad.getOutputStream().write(Arrays.copyOf(ProxyHeaderEncoder.v2(CLIENT, SERVICE), 20));
			bad.shutdownOutput();
			assertClosedWithoutAnswer(bad);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
	}

	@Test
	void shouldCloseAndCountAHeaderThatDoesNotArriveWithinTheFrameTimeout() throws Exception {
		Listener echo = start("proxy-slow", Keys.of("echo", 0, "proxy-protocol", "required", "frame-timeout", "500ms"));

		try (Socket slow = Sockets.connect(echo.port())) {
			slow.getOutputStream().write("PROXY TCP4 203.0.".getBytes(StandardCharsets.US_ASCII));
			long started = System.nanoTime();
			assertClosedWithoutAnswer(slow);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(250L, 5000L);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("proxy-protocol") == 1);
		assertThat(echo.stats().errorsByKind()).doesNotContainKey("frame-timeout");
	}

	@Test
	void shouldCloseQuietlyABalancerThatConnectsAndLeaves() throws Exception {
		Listener echo = start("proxy-check", Keys.of("echo", 0, "proxy-protocol", "required"));

		Sockets.connect(echo.port()).close();
		try (Socket balancer = Sockets.connect(echo.port())) {
			balancer.getOutputStream().write(ProxyHeaderEncoder.v2Local());
		}
		try (Socket balancer = Sockets.connect(echo.port())) {
			balancer.getOutputStream().write(ProxyHeaderEncoder.v2(CLIENT, SERVICE));
			assertEcho(balancer, "after checks");
		}
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldReadTheHeaderBeforeTheTlsHandshake() throws Exception {
		Listener echo = start("proxy-tls", Keys.of("echo", 0, "proxy-protocol", "required", "ssl.bundle", "server"));

		try (Socket balancer = Sockets.connect(echo.port())) {
			balancer.getOutputStream().write(ProxyHeaderEncoder.v2(CLIENT, SERVICE));
			SSLSocket tls = (SSLSocket) TestCertificates.get()
				.clientContext()
				.getSocketFactory()
				.createSocket(balancer, "localhost", echo.port(), true);
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			tls.setSSLParameters(parameters);
			tls.startHandshake();
			assertEcho(tls, "secret");
			ListenerConnection connection = only(echo);
			assertThat(connection.remoteAddress()).isEqualTo("203.0.113.7:51000");
			assertThat(connection.tls().protocol()).isEqualTo("TLSv1.3");
			tls.close();
		}
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldReadTheHeaderAndTheClientHelloSentInOneSegment() throws Exception {
		Listener echo = start("proxy-tls-joined",
				Keys.of("echo", 0, "proxy-protocol", "required", "ssl.bundle", "server"));

		try (Socket balancer = new HeaderFirstSocket(ProxyHeaderEncoder.v1(CLIENT, SERVICE))) {
			balancer.connect(new InetSocketAddress(Sockets.LOOPBACK, echo.port()), 5000);
			SSLSocket tls = (SSLSocket) TestCertificates.get()
				.clientContext()
				.getSocketFactory()
				.createSocket(balancer, "localhost", echo.port(), true);
			tls.startHandshake();
			assertEcho(tls, "together");
			assertThat(only(echo).remoteAddress()).isEqualTo("203.0.113.7:51000");
			tls.close();
		}
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	private static void assertEcho(Socket socket, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		socket.getOutputStream().write(bytes);
		assertThat(Sockets.readExactly(socket.getInputStream(), bytes.length)).isEqualTo(bytes);
	}

	/** The server closes without echoing a byte (a reset counts as closed). */
	private static void assertClosedWithoutAnswer(Socket socket) {
		int read;
		try {
			InputStream in = socket.getInputStream();
			read = in.read();
		}
		catch (IOException reset) {
			read = -1;
		}
		assertThat(read).isEqualTo(-1);
	}

	private static ListenerConnection only(Listener listener) {
		await().atMost(5, TimeUnit.SECONDS).until(() -> listener.connections().size() == 1);
		return listener.connections().iterator().next();
	}

	private static byte[] header(String version, InetSocketAddress client) {
		return version.equals("v1") ? ProxyHeaderEncoder.v1(client, SERVICE) : ProxyHeaderEncoder.v2(client, SERVICE);
	}

	private static byte[] join(byte[] first, byte[] second) {
		byte[] joined = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

	private static InetSocketAddress address(String literal, int port) {
		try {
			return new InetSocketAddress(InetAddress.getByAddress(IpAddressText.parse(literal)), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal, ex);
		}
	}

	/**
	 * A balancer's socket whose first write carries the PROXY header in front of it, in
	 * one write (as a balancer sends the header with the client's first bytes).
	 */
	private static final class HeaderFirstSocket extends Socket {

		private final byte[] header;

		private OutputStream out;

		HeaderFirstSocket(byte[] header) {
			this.header = header;
		}

		@Override
		public synchronized OutputStream getOutputStream() throws IOException {
			if (this.out == null) {
				OutputStream socketOut = super.getOutputStream();
				this.out = new FilterOutputStream(socketOut) {

					private boolean first = true;

					@Override
					public void write(byte[] bytes, int offset, int length) throws IOException {
						if (this.first) {
							this.first = false;
							socketOut.write(join(HeaderFirstSocket.this.header,
									Arrays.copyOfRange(bytes, offset, offset + length)));
						}
						else {
							socketOut.write(bytes, offset, length);
						}
					}

				};
			}
			return this.out;
		}

	}

	/** A channel that keeps what the listener copies to it. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Channels {

		@Bean
		QueueChannel proxyTap() {
			return new QueueChannel(100);
		}

	}

}
