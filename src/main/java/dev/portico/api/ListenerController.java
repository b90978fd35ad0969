package dev.portico.api;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerOutcome.Result;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerStatus;
import dev.portico.listener.MessagePush;

/**
 * Listeners over REST: list, create, start, stop, delete, their connections and server pushes.
 * Start and stop are idempotent and answer the listener's new status.
 */
@RestController
@RequestMapping(path = "/api/listeners", produces = MediaType.APPLICATION_JSON_VALUE)
class ListenerController {

	private final ListenerRegistry registry;

	private final ApiProperties properties;

	ListenerController(ListenerRegistry registry, ApiProperties properties) {
		this.registry = registry;
		this.properties = properties;
	}

	@GetMapping
	List<ListenerStatus> list() {
		return this.registry.list().stream().map(Listener::status).toList();
	}

	@GetMapping("/{name}")
	ListenerStatus get(@PathVariable String name) {
		return listener(name).status();
	}

	/**
	 * Create a listener and, unless its options say {@code "autostart": false}, start it. A
	 * listener that cannot bind is not kept: the answer is a 409 problem with the cause.
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ListenerStatus> create(@RequestBody ListenerRequest request) {
		refuseWhileDraining();
		ListenerProperties definition = ListenerDefinitions.toProperties(request);
		ListenerOutcome created = this.registry.create(request.name(), definition);
		if (created.result() != Result.CREATED) {
			throw failure(created);
		}
		Listener listener = created.listener();
		if (definition.autostart()) {
			ListenerOutcome started = this.registry.start(request.name());
			if (started.result() == Result.BIND_FAILED) {
				this.registry.delete(request.name());
				throw ApiException.conflict(started.detail() + ". The listener was not created: choose a free port"
						+ " (or 0 for any) and post it again.");
			}
			if (!started.result().isSuccess()) {
				throw failure(started);
			}
		}
		return ResponseEntity.created(URI.create("/api/listeners/" + request.name())).body(listener.status());
	}

	@DeleteMapping("/{name}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String name) {
		ListenerOutcome outcome = this.registry.delete(name);
		if (outcome.result() != Result.DELETED) {
			throw failure(outcome);
		}
	}

	@PostMapping("/{name}/start")
	ListenerStatus start(@PathVariable String name) {
		refuseWhileDraining();
		return statusOrProblem(this.registry.start(name));
	}

	@PostMapping("/{name}/stop")
	ListenerStatus stop(@PathVariable String name) {
		return statusOrProblem(this.registry.stop(name));
	}

	@GetMapping("/{name}/connections")
	List<ConnectionView> connections(@PathVariable String name) {
		return listener(name).connections().stream().map(ConnectionView::of).toList();
	}

	@DeleteMapping("/{name}/connections/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void closeConnection(@PathVariable String name, @PathVariable String id) {
		if (!listener(name).closeConnection(id)) {
			throw noSuchConnection(name, id);
		}
	}

	/** Queue the body, as is, to one connection of a multiconn listener. */
	@PostMapping(path = "/{name}/connections/{id}/messages",
			consumes = { MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.TEXT_PLAIN_VALUE })
	ResponseEntity<PushResponse> push(@PathVariable String name, @PathVariable String id,
			HttpServletRequest request) throws IOException {
		MessagePush push = pushOf(name);
		byte[] body = readBody(request);
		MessagePush.Result result = push.push(id, body);
		return switch (result) {
			case QUEUED -> ResponseEntity.accepted().body(new PushResponse(name, body.length, 1, 0));
			case NO_SUCH_CONNECTION -> throw noSuchConnection(name, id);
			case QUEUE_FULL -> throw queueFull("Connection '" + id + "' of listener '" + name
					+ "' has a full queue: its peer is not reading. Nothing was queued; retry later or close it.");
		};
	}

	/** Queue the body, as is, to every open connection of a multiconn listener. */
	@PostMapping(path = "/{name}/broadcast",
			consumes = { MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.TEXT_PLAIN_VALUE })
	ResponseEntity<PushResponse> broadcast(@PathVariable String name, HttpServletRequest request)
			throws IOException {
		MessagePush push = pushOf(name);
		byte[] body = readBody(request);
		MessagePush.Broadcast broadcast = push.broadcast(body);
		if (broadcast.queued() == 0 && broadcast.full() > 0) {
			throw queueFull("Every connection of listener '" + name + "' (" + broadcast.full()
					+ ") has a full queue: their peers are not reading. Nothing was queued; retry later.");
		}
		return ResponseEntity.accepted().body(new PushResponse(name, body.length, broadcast.queued(), broadcast.full()));
	}

	private Listener listener(String name) {
		return this.registry.get(name)
			.orElseThrow(() -> ApiException.notFound("No listener named '" + name + "': GET /api/listeners lists them"));
	}

	private MessagePush pushOf(String name) {
		Listener listener = listener(name);
		return listener.push()
			.orElseThrow(() -> ApiException.conflict("Listener '" + name + "' is of type " + listener.type().id()
					+ ": only multiconn listeners queue server-initiated messages"));
	}

	private byte[] readBody(HttpServletRequest request) throws IOException {
		return RequestBodies.read(request, this.properties.maxBodySize().toBytes());
	}

	private void refuseWhileDraining() {
		if (this.registry.isDraining()) {
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE,
					"Portico is shutting down: listeners are draining and cannot be started");
		}
	}

	private static ListenerStatus statusOrProblem(ListenerOutcome outcome) {
		if (!outcome.result().isSuccess()) {
			throw failure(outcome);
		}
		return outcome.listener().status();
	}

	private static ApiException failure(ListenerOutcome outcome) {
		return switch (outcome.result()) {
			case NOT_FOUND -> ApiException.notFound(outcome.detail() + ": GET /api/listeners lists them");
			case NAME_TAKEN -> ApiException.conflict(outcome.detail() + ": choose another name or delete it first");
			case PORT_TAKEN -> ApiException.conflict(outcome.detail() + ": choose another port (or 0 for any)");
			case BIND_FAILED -> new ApiException(HttpStatus.CONFLICT, outcome.detail()
					+ ". The listener is FAILED: free the port, or delete it and create it on another port.",
					Map.of("listener", outcome.listener().status()));
			case INVALID -> ApiException.badRequest(outcome.detail());
			default -> new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, outcome.detail());
		};
	}

	private static ApiException noSuchConnection(String name, String id) {
		return ApiException.notFound("Listener '" + name + "' has no open connection '" + id
				+ "': GET /api/listeners/" + name + "/connections lists them");
	}

	private static ApiException queueFull(String detail) {
		ApiException problem = new ApiException(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		return problem;
	}

}
