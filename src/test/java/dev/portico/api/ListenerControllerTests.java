package dev.portico.api;

import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerOutcome.Result;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;
import dev.portico.listener.ListenerStatus;
import dev.portico.listener.ListenerType;
import dev.portico.listener.MessagePush;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Error paths of {@link ListenerController}, against a mocked registry. */
@WebMvcTest(ListenerController.class)
@Import(ApiSecurityConfiguration.class)
@TestPropertySource(properties = { "portico.api.password=s3cret", "portico.api.max-body-size=16B" })
class ListenerControllerTests {

	@Autowired
	private MockMvc mvc;

	@MockitoBean
	private ListenerRegistry registry;

	private Listener echo;

	private Listener multiconn;

	private MessagePush push;

	@BeforeEach
	void listeners() {
		this.echo = listener("echo", ListenerType.ECHO, null);
		this.push = mock(MessagePush.class);
		this.multiconn = listener("multiconn", ListenerType.MULTICONN, this.push);
		given(this.registry.get(anyString())).willReturn(Optional.empty());
		given(this.registry.get("echo")).willReturn(Optional.of(this.echo));
		given(this.registry.get("multiconn")).willReturn(Optional.of(this.multiconn));
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
		given(this.registry.create(eq("echo"), any()))
			.willReturn(new ListenerOutcome(Result.NAME_TAKEN, this.echo, "A listener named 'echo' exists"));
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"echo\",\"type\":\"echo\",\"port\":0}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("'echo' exists")));
	}

	@Test
	void shouldAnswerConflictWhenPortIsTaken() throws Exception {
		given(this.registry.create(eq("echo-2"), any())).willReturn(
				new ListenerOutcome(Result.PORT_TAKEN, this.echo, "Listener 'echo' uses port 7000/tcp"));
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"echo-2\",\"type\":\"echo\",\"port\":7000}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("uses port 7000")));
	}

	@Test
	void shouldAnswerBadRequestWhenTypeIsUnknown() throws Exception {
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"x\",\"type\":\"ftp\",\"port\":0}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Unknown listener type 'ftp'")));
		then(this.registry).should(never()).create(anyString(), any());
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
		this.mvc.perform(write(post("/api/listeners"))
			.content("{\"name\":\"x\",\"type\":\"echo\",\"options\":{\"colour\":\"blue\"}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("Unknown option 'colour'")));
		this.mvc.perform(write(post("/api/listeners"))
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
		given(this.registry.create(eq("quiet"), any()))
			.willAnswer((invocation) -> new ListenerOutcome(Result.CREATED, this.echo, "created"));
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"quiet\",\"type\":\"echo\",\"port\":0,"
				+ "\"options\":{\"autostart\":false,\"max-connections\":5,\"idleTimeout\":\"30s\",\"max-queued-bytes\":\"2KB\"}}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/api/listeners/quiet"));
		then(this.registry).should()
			.create("quiet", new ListenerProperties(ListenerType.ECHO, 0, null, false, 5, null,
					java.time.Duration.ofSeconds(30), null, null, null,
					org.springframework.util.unit.DataSize.ofKilobytes(2), null, null, null));
		then(this.registry).should(never()).start(anyString());
	}

	@Test
	void shouldNotKeepListenerWhenCreatedListenerCannotBind() throws Exception {
		given(this.registry.create(eq("busy"), any()))
			.willReturn(new ListenerOutcome(Result.CREATED, this.echo, "created"));
		given(this.registry.start("busy")).willReturn(new ListenerOutcome(Result.BIND_FAILED, this.echo,
				"Cannot bind 0.0.0.0:7000/tcp: Address already in use"));
		this.mvc.perform(write(post("/api/listeners")).content("{\"name\":\"busy\",\"type\":\"echo\",\"port\":7000}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("0.0.0.0:7000/tcp")));
		then(this.registry).should().delete("busy");
	}

	@Test
	void shouldAnswerConflictWithCauseWhenStartCannotBind() throws Exception {
		given(this.registry.start("echo")).willReturn(new ListenerOutcome(Result.BIND_FAILED, this.echo,
				"Cannot bind 0.0.0.0:7000/tcp: Address already in use"));
		this.mvc.perform(write(post("/api/listeners/echo/start")))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("Address already in use")))
			.andExpect(jsonPath("$.listener.name").value("echo"));
	}

	@Test
	void shouldAnswerNotFoundWhenStartingOrDeletingUnknownListener() throws Exception {
		given(this.registry.start("nope")).willReturn(new ListenerOutcome(Result.NOT_FOUND, null, "No listener named 'nope'"));
		given(this.registry.delete("nope")).willReturn(new ListenerOutcome(Result.NOT_FOUND, null, "No listener named 'nope'"));
		this.mvc.perform(write(post("/api/listeners/nope/start"))).andExpect(status().isNotFound());
		this.mvc.perform(write(delete("/api/listeners/nope"))).andExpect(status().isNotFound());
	}

	@Test
	void shouldAnswerServiceUnavailableWhenStartingWhileDraining() throws Exception {
		given(this.registry.isDraining()).willReturn(true);
		this.mvc.perform(write(post("/api/listeners/echo/start")))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.detail").value(containsString("shutting down")));
		then(this.registry).should(never()).start(anyString());
	}

	@Test
	void shouldAnswerConflictWhenPushingToListenerOfAnotherType() throws Exception {
		this.mvc.perform(write(post("/api/listeners/echo/broadcast")).contentType(MediaType.TEXT_PLAIN).content("hi"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("of type echo")));
		this.mvc.perform(write(post("/api/listeners/echo/connections/c1/messages")).contentType(MediaType.TEXT_PLAIN)
			.content("hi")).andExpect(status().isConflict());
	}

	@Test
	void shouldAnswerNotFoundWhenConnectionIsUnknown() throws Exception {
		given(this.push.push(eq("c9"), any())).willReturn(MessagePush.Result.NO_SUCH_CONNECTION);
		this.mvc.perform(write(post("/api/listeners/multiconn/connections/c9/messages"))
			.contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[] { 1, 2 }))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.detail").value(containsString("no open connection 'c9'")));
		this.mvc.perform(write(delete("/api/listeners/multiconn/connections/c9"))).andExpect(status().isNotFound());
	}

	@Test
	void shouldAnswerServiceUnavailableWhenQueueIsFull() throws Exception {
		given(this.push.push(eq("c1"), any())).willReturn(MessagePush.Result.QUEUE_FULL);
		given(this.push.broadcast(any())).willReturn(new MessagePush.Broadcast(0, 2));
		this.mvc.perform(write(post("/api/listeners/multiconn/connections/c1/messages"))
			.contentType(MediaType.TEXT_PLAIN).content("hi"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string("Retry-After", "1"))
			.andExpect(jsonPath("$.detail").value(containsString("full queue")));
		this.mvc.perform(write(post("/api/listeners/multiconn/broadcast")).contentType(MediaType.TEXT_PLAIN).content("hi"))
			.andExpect(status().isServiceUnavailable());
	}

	@Test
	void shouldAnswerContentTooLargeWhenBodyExceedsLimit() throws Exception {
		this.mvc.perform(write(post("/api/listeners/multiconn/broadcast")).contentType(MediaType.TEXT_PLAIN)
			.content("seventeen bytes!!"))
			.andExpect(status().isContentTooLarge())
			.andExpect(jsonPath("$.detail").value(containsString("portico.api.max-body-size")));
		then(this.push).should(never()).broadcast(any());
	}

	@Test
	void shouldAnswerUnsupportedMediaTypeWhenPushBodyIsJson() throws Exception {
		this.mvc.perform(write(post("/api/listeners/multiconn/broadcast")).contentType(MediaType.APPLICATION_JSON)
			.content("{}")).andExpect(status().isUnsupportedMediaType());
	}

	@Test
	void shouldAnswerUnauthorizedAndChangeNothingWhenCredentialsAreMissingOrWrong() throws Exception {
		this.mvc.perform(post("/api/listeners/echo/stop"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", containsString("Basic")))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(delete("/api/listeners/echo").with(httpBasic("admin", "wrong")))
			.andExpect(status().isUnauthorized());
		then(this.registry).should(never()).stop(anyString());
		then(this.registry).should(never()).delete(anyString());
	}

	@Test
	void shouldRefuseChangeWhenBrowserSendsItFromAnotherSite() throws Exception {
		this.mvc.perform(write(post("/api/listeners/echo/stop")).header("Sec-Fetch-Site", "cross-site"))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.detail").value(containsString("another site")));
		then(this.registry).should(never()).stop(anyString());
		given(this.registry.stop("echo")).willReturn(new ListenerOutcome(Result.STOPPED, this.echo, "stopped"));
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

	private static MockHttpServletRequestBuilder write(MockHttpServletRequestBuilder request) {
		return request.with(httpBasic("admin", "s3cret")).contentType(MediaType.APPLICATION_JSON);
	}

	private static Listener listener(String name, ListenerType type, MessagePush push) {
		Listener listener = mock(Listener.class);
		given(listener.name()).willReturn(name);
		given(listener.type()).willReturn(type);
		given(listener.push()).willReturn(Optional.ofNullable(push));
		given(listener.status()).willReturn(new ListenerStatus(name, type.id(), type.transport(), "127.0.0.1", 7000,
				ListenerState.RUNNING, null, new ListenerStatus.Connections(0, 0, 0, java.util.Map.of()),
				new ListenerStatus.Traffic(0, 0), new ListenerStatus.Traffic(0, 0), new ListenerStatus.Queue(0, 0), 0,
				java.util.Map.of()));
		return listener;
	}

}
