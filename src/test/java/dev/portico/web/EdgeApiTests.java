package dev.portico.web;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.protocol.ProxyHeaderEncoder;
import dev.portico.support.Sockets;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * TLS and the PROXY protocol through the listener API: listeners created with an
 * {@code ssl} object naming a configured bundle, their settings and their connections'
 * sessions and proxied addresses as JSON, and the problems a bad request gets.
 */
@SpringBootTest(properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=s3cret" })
@AutoConfigureMockMvc
class EdgeApiTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ListenerRegistry registry;

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) {
		TestCertificates certificates = TestCertificates.get();
		certificates.addServerBundle(registry, "server", true);
		certificates.addServerBundle(registry, "keyless", false);
	}

	@AfterEach
	void deleteListeners() {
		this.registry.list().forEach((listener) -> this.registry.delete(listener.name()));
	}

	@Test
	void shouldCreateATlsListenerFromAnSslObjectAndShowItsSettingsAndSessions() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("""
				{"name": "tls-api", "type": "echo", "port": 0, "bind": "127.0.0.1",
				 "ssl": {"bundle": "server", "client-auth": "need", "handshake-timeout": "5s"}}"""))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.tls.bundle").value("server"))
			.andExpect(jsonPath("$.tls.clientAuth").value("need"))
			.andExpect(jsonPath("$.tls.handshakeTimeout").value("5000ms"))
			.andExpect(jsonPath("$.tls.protocols").value(hasItem("TLSv1.3")))
			.andExpect(jsonPath("$.proxyProtocol").value(nullValue()));
		Listener listener = this.registry.get("tls-api").orElseThrow();

		try (SSLSocket socket = (SSLSocket) TestCertificates.get()
			.context("client")
			.getSocketFactory()
			.createSocket(Sockets.LOOPBACK, listener.port())) {
			socket.startHandshake();
			socket.getOutputStream().write('x');
			assertThat(socket.getInputStream().read()).isEqualTo('x');
			this.mvc.perform(get("/api/listeners/tls-api/connections"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$[0].remoteAddress").value(Sockets.LOOPBACK + ":" + socket.getLocalPort()))
				.andExpect(jsonPath("$[0].tls.protocol").value(socket.getSession().getProtocol()))
				.andExpect(jsonPath("$[0].tls.cipherSuite").value(socket.getSession().getCipherSuite()))
				.andExpect(jsonPath("$[0].tls.clientSubject").value("O=Portico Tests,CN=portico-test-client"))
				.andExpect(jsonPath("$[0].proxiedBy").value(nullValue()));
		}
		this.mvc.perform(get("/api/listeners/tls-api"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tls.bundle").value("server"));
	}

	@Test
	void shouldTakeTheSslObjectInsideOptionsToo() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("""
				{"name": "tls-options", "type": "multiconn", "port": 0,
				 "options": {"ssl": {"bundle": "server"}, "proxy-protocol": "optional",
				             "proxy-trusted-from": ["10.0.0.0/8", "127.0.0.1"]}}"""))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.tls.bundle").value("server"))
			.andExpect(jsonPath("$.tls.clientAuth").value("none"))
			.andExpect(jsonPath("$.proxyProtocol.mode").value("optional"))
			.andExpect(jsonPath("$.proxyProtocol.trustedFrom[1]").value("127.0.0.1"));
	}

	@Test
	void shouldShowTheClientsAddressAndTheBalancerOfAProxiedConnection() throws Exception {
		this.mvc
			.perform(write(post("/api/listeners")).content("{\"name\": \"behind-lb\", \"type\": \"echo\", \"port\": 0, "
					+ "\"options\": {\"proxy-protocol\": \"required\"}}"))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.proxyProtocol.trustedFrom[0]").value("127.0.0.0/8"));
		Listener listener = this.registry.get("behind-lb").orElseThrow();
		try (Socket balancer = Sockets.connect(listener.port())) {
			balancer.getOutputStream()
				.write(ProxyHeaderEncoder.v2(new InetSocketAddress("192.0.2.10", 40000),
						new InetSocketAddress("192.0.2.1", 443)));
			balancer.getOutputStream().write('y');
			assertThat(balancer.getInputStream().read()).isEqualTo('y');
			await().atMost(5, TimeUnit.SECONDS).until(() -> listener.connections().size() == 1);
			this.mvc.perform(get("/api/listeners/behind-lb/connections"))
				.andExpect(jsonPath("$[0].remoteAddress").value("192.0.2.10:40000"))
				.andExpect(jsonPath("$[0].proxiedBy").value(Sockets.LOOPBACK + ":" + balancer.getLocalPort()))
				.andExpect(jsonPath("$[0].tls").value(nullValue()));
		}
	}

	@Test
	void shouldAnswerBadRequestNamingAnUnknownBundle() throws Exception {
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\": \"x\", \"type\": \"echo\", \"port\": 0, \"ssl\": {\"bundle\": \"nope\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("'ssl.bundle'")))
			.andExpect(jsonPath("$.detail").value(containsString("no SSL bundle 'nope'")))
			.andExpect(jsonPath("$.detail").value(containsString("configured: ")));
		assertThat(this.registry.get("x")).isEmpty();
	}

	@Test
	void shouldAnswerBadRequestWhenClientCertificatesAreAskedForWithoutTrustMaterial() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content(
				"{\"name\": \"x\", \"type\": \"echo\", \"ssl\": {\"bundle\": \"keyless\", \"client-auth\": \"need\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("'ssl.client-auth'")))
			.andExpect(jsonPath("$.detail").value(containsString("no trust store")));
	}

	@Test
	void shouldAnswerBadRequestForAnUnknownSslKeyOrValue() throws Exception {
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\": \"x\", \"type\": \"echo\", \"ssl\": {\"bundel\": \"server\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Unknown option 'ssl.bundel'")))
			.andExpect(
					jsonPath("$.detail").value(containsString("ssl.bundle, ssl.client-auth, ssl.handshake-timeout")));
		this.mvc.perform(write(post("/api/listeners")).content(
				"{\"name\": \"x\", \"type\": \"echo\", \"ssl\": {\"bundle\": \"server\", \"client-auth\": \"maybe\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("use none, want or need")));
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\": \"x\", \"type\": \"echo\", \"options\": {\"max-connections\": {\"a\": 1}}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Unknown option 'max-connections.a'")));
	}

	@Test
	void shouldAnswerBadRequestNamingAMalformedTrustedBlockOrMode() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("""
				{"name": "x", "type": "echo",
				 "options": {"proxy-protocol": "optional", "proxy-trusted-from": "10.0.0.0/8, 10.0.0/33"}}"""))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("'proxy-trusted-from'")))
			.andExpect(jsonPath("$.detail").value(containsString("'10.0.0/33'")));
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\": \"x\", \"type\": \"echo\", \"options\": {\"proxy-protocol\": \"sometimes\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("use off, optional or required")));
	}

	private static MockHttpServletRequestBuilder write(MockHttpServletRequestBuilder request) {
		return request.with(httpBasic("admin", "s3cret")).contentType(MediaType.APPLICATION_JSON);
	}

}
