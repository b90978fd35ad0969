package dev.portico.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerRegistry;
import dev.portico.support.ExternalTools;
import dev.portico.support.HttpTestClient;
import dev.portico.support.Keys;
import dev.portico.support.Sockets;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real HAProxy in TCP mode in front of Portico, writing the PROXY protocol as it does
 * in production ({@code send-proxy-v2}, {@code send-proxy}), with its health checks on:
 * the connection view over HTTP shows the client's own address and port, not HAProxy's,
 * and health checks count no error. Needs the {@code haproxy} package (Debian:
 * {@code apt-get install -y haproxy}; {@code .ci/run} installs it).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.config.location=classpath:/no-listeners.yml")
class HaproxyIntegrationTests {

	@Autowired
	private ListenerRegistry registry;

	@LocalServerPort
	private int httpPort;

	private Process haproxy;

	private Path haproxyLog;

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) {
		TestCertificates.get().addServerBundle(registry, "server", false);
	}

	@AfterEach
	void stopHaproxy() throws InterruptedException {
		if (this.haproxy != null) {
			this.haproxy.destroy();
			if (!this.haproxy.waitFor(10, TimeUnit.SECONDS)) {
				this.haproxy.destroyForcibly();
			}
		}
		this.registry.list().forEach((listener) -> this.registry.delete(listener.name()));
	}

	@Test
	void shouldShowTheClientsOwnAddressAndPortBehindHaproxySendProxyV2() throws Exception {
		Listener echo = start("behind-haproxy",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "proxy-protocol", "required"));
		int front = startHaproxy(echo.port(), "send-proxy-v2");

		try (Socket client = Sockets.connect(front)) {
			client.getOutputStream().write("through haproxy".getBytes(StandardCharsets.US_ASCII));
			assertThat(Sockets.readExactly(client.getInputStream(), 15)).isEqualTo("through haproxy".getBytes());

			JsonNode connection = clientsConnection(echo, client);
			assertThat(connection.get("remoteAddress").stringValue())
				.isEqualTo(Sockets.LOOPBACK + ":" + client.getLocalPort());
			assertThat(connection.get("proxiedBy").stringValue()).startsWith(Sockets.LOOPBACK + ":")
				.isNotEqualTo(connection.get("remoteAddress").stringValue());
		}
		assertHealthChecksCountNoError(echo);
	}

	@Test
	void shouldReadHaproxysVersion1HeaderInFrontOfATlsHandshake() throws Exception {
		Listener echo = start("tls-behind-haproxy",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "proxy-protocol", "required", "ssl.bundle", "server"));
		int front = startHaproxy(echo.port(), "send-proxy");

		try (SSLSocket client = (SSLSocket) TestCertificates.get().clientContext().getSocketFactory().createSocket()) {
			client.connect(new InetSocketAddress(Sockets.LOOPBACK, front), 5000);
			client.setSoTimeout(10_000);
			SSLParameters parameters = client.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			client.setSSLParameters(parameters);
			client.startHandshake();
			client.getOutputStream().write("tls through haproxy".getBytes(StandardCharsets.US_ASCII));
			assertThat(Sockets.readExactly(client.getInputStream(), 19)).isEqualTo("tls through haproxy".getBytes());

			JsonNode connection = clientsConnection(echo, client);
			assertThat(connection.get("tls").get("protocol").stringValue()).isEqualTo("TLSv1.3");
		}
		assertHealthChecksCountNoError(echo);
	}

	/**
	 * The client's connection as {@code GET /api/listeners/{name}/connections} shows it:
	 * the one whose remote port is the client's own.
	 */
	private JsonNode clientsConnection(Listener listener, Socket client) {
		HttpTestClient http = new HttpTestClient(this.httpPort);
		String path = "/api/listeners/" + listener.name() + "/connections";
		String expected = Sockets.LOOPBACK + ":" + client.getLocalPort();
		await().atMost(10, TimeUnit.SECONDS).until(() -> find(http.json(path), expected) != null);
		return find(http.json(path), expected);
	}

	private static JsonNode find(JsonNode connections, String remoteAddress) {
		for (JsonNode connection : connections) {
			if (connection.get("remoteAddress").stringValue().equals(remoteAddress)) {
				return connection;
			}
		}
		return null;
	}

	/**
	 * HAProxy checks the server every 200 ms, sending its own PROXY header and leaving:
	 * several checks, no error.
	 */
	private void assertHealthChecksCountNoError(Listener echo) {
		long before = echo.stats().acceptedTotal();
		await().atMost(20, TimeUnit.SECONDS).until(() -> echo.stats().acceptedTotal() >= before + 3);
		assertThat(echo.stats().errorsByKind()).as(this::haproxyLog).isEmpty();
	}

	private Listener start(String name, Map<String, Object> keys) {
		ListenerOutcome created = this.registry.createAndStart(this.registry.definitions().fromRequest(name, keys));
		assertThat(created.result()).as(created.detail()).isEqualTo(ListenerOutcome.Result.CREATED);
		return created.listener();
	}

	/**
	 * Starts HAProxy in the foreground, in TCP mode, listening on a free loopback port
	 * and relaying to {@code backendPort} with {@code proxyOption}.
	 * @return the port clients connect to
	 */
	private int startHaproxy(int backendPort, String proxyOption) throws IOException {
		String executable = ExternalTools.require("haproxy", "apt-get install -y haproxy");
		int front = freePort();
		Path directory = Files.createTempDirectory("portico-haproxy-");
		Path config = directory.resolve("haproxy.cfg");
		Files.writeString(config, """
				global
				    maxconn 200

				defaults
				    mode tcp
				    timeout connect 5s
				    timeout client 30s
				    timeout server 30s

				frontend clients
				    bind 127.0.0.1:%d
				    default_backend portico

				backend portico
				    server portico 127.0.0.1:%d %s check inter 200ms
				""".formatted(front, backendPort, proxyOption));
		this.haproxyLog = directory.resolve("haproxy.log");
		this.haproxy = new ProcessBuilder(executable, "-f", config.toString(), "-db").redirectErrorStream(true)
			.redirectOutput(this.haproxyLog.toFile())
			.start();
		await().atMost(20, TimeUnit.SECONDS).until(() -> {
			if (!this.haproxy.isAlive()) {
				throw new AssertionError("haproxy exited: " + haproxyLog());
			}
			try (Socket probe = new Socket(Sockets.LOOPBACK, front)) {
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		});
		return front;
	}

	private String haproxyLog() {
		try {
			return Files.readString(this.haproxyLog);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
