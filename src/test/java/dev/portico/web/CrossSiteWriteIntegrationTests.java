package dev.portico.web;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;
import dev.portico.support.Keys;
import dev.portico.support.RawHttp;
import dev.portico.support.RawHttp.Response;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cross-site writes over plain HTTP, as a browser with cached Basic credentials makes
 * them for another site's page: it sends {@code Origin} (or only {@code Referer}) but no
 * {@code Sec-Fetch-Site} to a plain-{@code http://} host other than localhost. Before the
 * origin check, a form post from {@code http://evil.example} stopped a listener and a
 * {@code text/plain} post to {@code /broadcast} injected bytes into its clients.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=it-secret",
				"portico.api.allowed-origins=https://console.example.com" })
class CrossSiteWriteIntegrationTests {

	private static final String EVIL = "http://evil.example";

	@TempDir
	static Path dataDir;

	@LocalServerPort
	private int port;

	@Autowired
	private ListenerRegistry registry;

	private Socket client;

	@DynamicPropertySource
	static void searchIndex(DynamicPropertyRegistry registry) {
		registry.add("portico.search.data-dir", () -> dataDir.toString());
	}

	@BeforeEach
	void listeners() throws IOException {
		this.registry.create("victim", Keys.of("echo", 0, "bind", Sockets.LOOPBACK));
		this.registry.start("victim");
		this.registry.create("feed", Keys.of("multiconn", 0, "bind", Sockets.LOOPBACK));
		this.registry.start("feed");
		this.client = Sockets.connect(this.registry.get("feed").orElseThrow().port());
		this.client.setSoTimeout(300);
		await().until(() -> this.registry.get("feed").orElseThrow().connections().size() == 1);
	}

	@AfterEach
	void cleanUp() throws IOException {
		this.client.close();
		this.registry.delete("victim");
		this.registry.delete("feed");
	}

	@Test
	void shouldRefuseAFormPostFromAnotherOriginAndLeaveTheListenerRunning() {
		Response response = send("POST", "/api/listeners/victim/stop", "application/x-www-form-urlencoded", "a=b",
				Map.of("Origin", EVIL));
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.body()).contains("another site").contains("Origin: http://evil.example");
		assertThat(state()).isEqualTo(ListenerState.RUNNING);
	}

	@Test
	void shouldRefuseATextPostToBroadcastFromAnotherOriginAndSendNothing() {
		Response response = send("POST", "/api/listeners/feed/broadcast", "text/plain", "injected\r\n",
				Map.of("Origin", EVIL));
		assertThat(response.status()).isEqualTo(403);
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> this.client.getInputStream().read());
	}

	@Test
	void shouldRefuseAChangeWhoseRefererIsAnotherSiteWhenThereIsNoOrigin() {
		assertThat(send("POST", "/api/listeners/victim/stop", null, null,
				Map.of("Referer", "http://evil.example/page.html"))
			.status()).isEqualTo(403);
		assertThat(send("POST", "/api/listeners/victim/stop", null, null, Map.of("Origin", "null")).status())
			.isEqualTo(403);
		assertThat(state()).isEqualTo(ListenerState.RUNNING);
	}

	@Test
	void shouldAcceptChangesFromItsOwnOriginAnAllowedOriginAndNonBrowserClients() throws IOException {
		assertThat(send("POST", "/api/listeners/feed/broadcast", "text/plain", "own\n",
				Map.of("Origin", "http://127.0.0.1:" + this.port))
			.status()).isEqualTo(202);
		assertThat(new String(Sockets.readExactly(this.client.getInputStream(), 4), StandardCharsets.US_ASCII))
			.isEqualTo("own\n");
		assertThat(send("POST", "/api/listeners/feed/broadcast", "text/plain", "ref\n",
				Map.of("Referer", "http://127.0.0.1:" + this.port + "/console/"))
			.status()).isEqualTo(202);
		assertThat(send("PUT", "/api/search/entries/origin", "text/plain", "allowed",
				Map.of("Origin", "https://console.example.com"))
			.status()).isEqualTo(201);
		// curl and scripts send neither Origin nor Referer
		assertThat(send("POST", "/api/listeners/victim/stop", null, null, Map.of()).status()).isEqualTo(200);
		assertThat(state()).isEqualTo(ListenerState.STOPPED);
	}

	@Test
	void shouldRefuseFormAndTextBodiesWhereNoEndpointTakesThem() {
		Map<String, String> sameOrigin = Map.of("Origin", "http://127.0.0.1:" + this.port);
		assertThat(send("POST", "/api/listeners/victim/stop", "application/x-www-form-urlencoded", "a=b", Map.of())
			.status()).isEqualTo(415);
		assertThat(send("POST", "/api/listeners/victim/stop", "text/plain", "x", sameOrigin).status()).isEqualTo(415);
		assertThat(send("POST", "/api/listeners/victim/stop", "multipart/form-data; boundary=x", "--x--\r\n", Map.of())
			.status()).isEqualTo(415);
		assertThat(send("DELETE", "/api/listeners/victim", "text/plain", "x", Map.of()).status()).isEqualTo(415);
		assertThat(send("POST", "/api/listeners/feed/broadcast", "application/x-www-form-urlencoded", "a=b", Map.of())
			.status()).isEqualTo(415);
		assertThat(state()).isEqualTo(ListenerState.RUNNING);
		assertThat(this.registry.get("victim")).isPresent();
	}

	private ListenerState state() {
		return this.registry.get("victim").orElseThrow().state();
	}

	private Response send(String method, String path, String contentType, String body, Map<String, String> headers) {
		Map<String, String> all = new LinkedHashMap<>(headers);
		all.put("Authorization", RawHttp.basic("admin", "it-secret"));
		if (contentType != null) {
			all.put("Content-Type", contentType);
		}
		return RawHttp.send(Sockets.LOOPBACK, this.port, method, path, all,
				(body != null) ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

}
