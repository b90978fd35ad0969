package dev.portico.web;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;
import dev.portico.support.Keys;
import dev.portico.support.Sockets;
import dev.portico.tcp.TcpOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The listener API's answers, error paths above all, against the real registry with real
 * listeners on loopback ports (an {@code echo} and a {@code multiconn} one per test).
 */
@SpringBootTest(properties = { "spring.config.location=classpath:/no-listeners.yml", "portico.api.password=s3cret",
		"portico.api.max-body-size=256B" })
@AutoConfigureMockMvc
class ListenerControllerTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ListenerRegistry registry;

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeEach
	void listeners() {
		this.registry.create("echo", Keys.of("echo", 0, "bind", Sockets.LOOPBACK));
		this.registry.start("echo");
		this.registry.create("multiconn",
				Keys.of("multiconn", 0, "bind", Sockets.LOOPBACK, "max-queued-bytes", "1KB", "write-timeout", "30s"));
		this.registry.start("multiconn");
	}

	@AfterEach
	void cleanUp() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
		this.registry.list().forEach((listener) -> this.registry.delete(listener.name()));
	}

	@Test
	void shouldAnswerNotFoundProblemWhenListenerIsUnknown() throws Exception {
		this.mvc.perform(get("/api/listeners/nope"))
			.andExpect(status().isNotFound())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("No listener named 'nope'")));
	}

	@Test
	void shouldAnswerConflictWhenNameIsTaken() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"echo\",\"type\":\"echo\",\"port\":0}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("'echo' exists")));
	}

	@Test
	void shouldAnswerConflictWhenPortIsTaken() throws Exception {
		int port = freePort();
		this.registry.create("fixed", Keys.of("echo", port, "autostart", false));
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\":\"echo-2\",\"type\":\"echo\",\"port\":" + port + "}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("uses port " + port)));
	}

	@Test
	void shouldAnswerBadRequestWhenTypeIsUnknown() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"x\",\"type\":\"ftp\",\"port\":0}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Unknown listener type 'ftp'")));
		assertThat(this.registry.get("x")).isEmpty();
	}

	@Test
	void shouldAnswerBadRequestWhenPortIsOutOfRange() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"x\",\"type\":\"echo\",\"port\":65536}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Invalid port 65536")));
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"x\",\"type\":\"echo\",\"port\":-1}"))
			.andExpect(status().isBadRequest());
	}

	@Test
	void shouldAnswerBadRequestWhenNameIsInvalid() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"Echo_2\",\"type\":\"echo\",\"port\":0}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Invalid name 'Echo_2'")));
	}

	@Test
	void shouldAnswerBadRequestWhenOptionIsUnknownOrMalformed() throws Exception {
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\":\"x\",\"type\":\"echo\",\"options\":{\"colour\":\"blue\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Unknown option 'colour'")));
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\":\"x\",\"type\":\"echo\",\"options\":{\"idleTimeout\":\"soon\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("'idle-timeout'")));
	}

	@Test
	void shouldAnswerBadRequestProblemWhenJsonIsMalformed() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("could not be read")));
	}

	@Test
	void shouldBindOptionsInKebabAndCamelCaseAndNotStartWhenAutostartIsFalse() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"quiet\",\"type\":\"echo\",\"port\":0,"
				+ "\"options\":{\"autostart\":false,\"max-connections\":5,\"idleTimeout\":\"30s\",\"max-queued-bytes\":\"2KB\"}}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/listeners/quiet"));
		Listener quiet = this.registry.get("quiet").orElseThrow();
		assertThat(quiet.state()).isEqualTo(ListenerState.STOPPED);
		TcpOptions options = quiet.definition().options(TcpOptions.class);
		assertThat(options.maxConnections()).isEqualTo(5);
		assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.maxQueuedBytes().toBytes()).isEqualTo(2048);
		assertThat(quiet.definition().autostart()).isFalse();
	}

	@Test
	void shouldNotKeepListenerWhenCreatedListenerCannotBind() throws Exception {
		ServerSocket held = hold();
		this.mvc
			.perform(write(post("/api/listeners"))
				.content("{\"name\":\"busy\",\"type\":\"echo\",\"port\":" + held.getLocalPort() + "}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("0.0.0.0:" + held.getLocalPort() + "/tcp")));
		assertThat(this.registry.get("busy")).isEmpty();
	}

	@Test
	void shouldAnswerConflictWithCauseWhenStartCannotBind() throws Exception {
		ServerSocket held = hold();
		this.registry.create("held", Keys.of("echo", held.getLocalPort(), "autostart", false));
		this.mvc.perform(write(post("/api/listeners/held/start")))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("Address already in use")))
			.andExpect(jsonPath("$.listener.name").value("held"));
	}

	@Test
	void shouldAnswerNotFoundWhenStartingOrDeletingUnknownListener() throws Exception {
		this.mvc.perform(write(post("/api/listeners/nope/start"))).andExpect(status().isNotFound());
		this.mvc.perform(write(delete("/api/listeners/nope"))).andExpect(status().isNotFound());
	}

	@Test
	@DirtiesContext
	void shouldAnswerServiceUnavailableWhenStartingWhileDraining() throws Exception {
		this.registry.stop();
		this.mvc.perform(write(post("/api/listeners/echo/start")))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.detail").value(containsString("shutting down")));
		assertThat(this.registry.get("echo").orElseThrow().state()).isEqualTo(ListenerState.STOPPED);
	}

	@Test
	void shouldAnswerConflictWhenPushingToListenerOfAnotherType() throws Exception {
		this.mvc.perform(write(post("/api/listeners/echo/broadcast")).contentType(MediaType.TEXT_PLAIN).content("hi"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("of type echo")));
		this.mvc
			.perform(write(post("/api/listeners/echo/connections/c1/messages")).contentType(MediaType.TEXT_PLAIN)
				.content("hi"))
			.andExpect(status().isConflict());
	}

	@Test
	void shouldAnswerNotFoundWhenConnectionIsUnknown() throws Exception {
		this.mvc
			.perform(write(post("/api/listeners/multiconn/connections/c9/messages"))
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.content(new byte[] { 1, 2 }))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.detail").value(containsString("no open connection 'c9'")));
		this.mvc.perform(write(delete("/api/listeners/multiconn/connections/c9"))).andExpect(status().isNotFound());
	}

	@Test
	void shouldAnswerServiceUnavailableWhenQueueIsFull() throws Exception {
		// a client that sends and never reads: its echo fills its 1KB queue, and the
		// reader waits
		Listener multiconn = this.registry.get("multiconn").orElseThrow();
		Socket hog = new Socket();
		hog.setReceiveBufferSize(1024);
		hog.connect(new java.net.InetSocketAddress(Sockets.LOOPBACK, multiconn.port()), 5000);
		this.resources.add(hog);
		CompletableFuture.runAsync(() -> {
			try {
				OutputStream out = hog.getOutputStream();
				byte[] block = new byte[16 * 1024];
				for (int i = 0; i < 1024; i++) {
					out.write(block);
				}
			}
			catch (Exception ex) {
				// closed at the end of the test
			}
		});
		await().atMost(10, TimeUnit.SECONDS).until(() -> multiconn.queued().bytes() >= 1024);
		String id = multiconn.connections().iterator().next().id();
		this.mvc
			.perform(write(post("/api/listeners/multiconn/connections/" + id + "/messages"))
				.contentType(MediaType.TEXT_PLAIN)
				.content("hi"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string("Retry-After", "1"))
			.andExpect(jsonPath("$.detail").value(containsString("full queue")));
		this.mvc
			.perform(write(post("/api/listeners/multiconn/broadcast")).contentType(MediaType.TEXT_PLAIN).content("hi"))
			.andExpect(status().isServiceUnavailable());
	}

	@Test
	void shouldAnswerContentTooLargeWhenBodyExceedsLimit() throws Exception {
		long sentBefore = this.registry.get("multiconn").orElseThrow().stats().messagesSent();
		this.mvc
			.perform(write(post("/api/listeners/multiconn/broadcast")).contentType(MediaType.TEXT_PLAIN)
				.content("x".repeat(257)))
			.andExpect(status().isContentTooLarge())
			.andExpect(jsonPath("$.detail").value(containsString("portico.api.max-body-size")));
		assertThat(this.registry.get("multiconn").orElseThrow().stats().messagesSent()).isEqualTo(sentBefore);
	}

	@Test
	void shouldAnswerUnsupportedMediaTypeWhenPushBodyIsJson() throws Exception {
		this.mvc
			.perform(write(post("/api/listeners/multiconn/broadcast")).contentType(MediaType.APPLICATION_JSON)
				.content("{}"))
			.andExpect(status().isUnsupportedMediaType());
	}

	@Test
	void shouldAnswerUnauthorizedAndChangeNothingWhenCredentialsAreMissingOrWrong() throws Exception {
		this.mvc.perform(post("/api/listeners/echo/stop"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", containsString("Basic")))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(delete("/api/listeners/echo").with(httpBasic("admin", "wrong")))
			.andExpect(status().isUnauthorized());
		assertThat(this.registry.get("echo").orElseThrow().state()).isEqualTo(ListenerState.RUNNING);
	}

	@Test
	void shouldRefuseChangeWhenBrowserSendsItFromAnotherSite() throws Exception {
		this.mvc.perform(write(post("/api/listeners/echo/stop")).header("Sec-Fetch-Site", "cross-site"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.detail").value(containsString("another site")));
		assertThat(this.registry.get("echo").orElseThrow().state()).isEqualTo(ListenerState.RUNNING);
		this.mvc.perform(write(post("/api/listeners/echo/stop")).header("Sec-Fetch-Site", "same-origin"))
			.andExpect(status().isOk());
		this.mvc.perform(get("/api/listeners/echo").header("Sec-Fetch-Site", "cross-site")).andExpect(status().isOk());
	}

	@Test
	void shouldAnswerReadsWithoutCredentials() throws Exception {
		this.mvc.perform(get("/api/listeners/echo"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("echo"))
			.andExpect(jsonPath("$.state").value("RUNNING"));
	}

	private ServerSocket hold() throws Exception {
		ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
		this.resources.add(held);
		return held;
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static MockHttpServletRequestBuilder write(MockHttpServletRequestBuilder request) {
		return request.with(httpBasic("admin", "s3cret")).contentType(MediaType.APPLICATION_JSON);
	}

}
