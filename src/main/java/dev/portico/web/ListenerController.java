package dev.portico.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.portico.api.ApiProblems;
import dev.portico.listener.InvalidDefinitionException;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerDefinition;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerOutcome.Result;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerStatus;
import dev.portico.tcp.PeerConnections;

/**
 * Listeners over REST: list, create, start, stop, delete, and their connections. Start
 * and stop are idempotent and answer the listener's new status. Routes a type adds
 * (multiconn's pushes, the search index) live in that type's package.
 */
@RestController
@RequestMapping(path = "/api/listeners", produces = MediaType.APPLICATION_JSON_VALUE)
class ListenerController {

	private static final Set<String> ADDRESS_KEYS = Set.of("type", "port", "bind", "name");

	private final ListenerRegistry registry;

	private final PeerConnections peers;

	ListenerController(ListenerRegistry registry, ObjectProvider<PeerConnections> peers) {
		this.registry = registry;
		this.peers = peers.getIfAvailable(() -> PeerConnections.NONE);
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
	 * Create a listener and, unless its options say {@code "autostart": false}, start it,
	 * in one step: a listener that cannot bind is not kept, and the answer is a 409
	 * problem with the cause.
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<ListenerStatus> create(@RequestBody ListenerRequest request) {
		refuseWhileDraining();
		ListenerDefinition definition;
		try {
			definition = this.registry.definitions().fromRequest(request.name(), keys(request));
		}
		catch (InvalidDefinitionException ex) {
			throw ApiProblems.badRequest(ex.getMessage());
		}
		ListenerOutcome created = this.registry.createAndStart(definition);
		if (created.result() == Result.BIND_FAILED) {
			throw ApiProblems.conflict(created.detail() + ". The listener was not created: choose a free port"
					+ " (or 0 for any) and post it again.");
		}
		if (created.result() != Result.CREATED) {
			throw failure(created);
		}
		return ResponseEntity.created(URI.create("/api/listeners/" + request.name())).body(created.listener().status());
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
		// in cluster mode the listener may exist only on the replica holding the
		// connection
		boolean closed = (this.peers.isClustered())
				? this.registry.get(name).map((l) -> l.closeConnection(id)).orElse(false)
				: listener(name).closeConnection(id);
		if (!closed && this.peers.isClustered()) {
			closed = this.peers.close(name, id) != null;
		}
		if (!closed) {
			throw ApiProblems.notFound("Listener '" + name + "' has no open connection '" + id + "'"
					+ (this.peers.isClustered() ? " on any live replica" : "") + ": GET /api/listeners/" + name
					+ "/connections lists them");
		}
	}

	/**
	 * Every key of the request: the options, then name-level fields, which options may
	 * not repeat.
	 */
	private static Map<String, Object> keys(ListenerRequest request) {
		Map<String, Object> keys = new LinkedHashMap<>();
		if (request.options() != null) {
			request.options().forEach((key, value) -> {
				if (ADDRESS_KEYS.contains(key)) {
					throw ApiProblems
						.badRequest("Unknown option '" + key + "': give " + key + " beside options, not inside them");
				}
				keys.put(key, value);
			});
		}
		keys.put("type", request.type());
		keys.put("port", request.port());
		keys.put("bind", request.bind());
		return keys;
	}

	private Listener listener(String name) {
		return this.registry.get(name)
			.orElseThrow(() -> ApiProblems.notFound("No listener named '" + name + "': GET /api/listeners lists them"));
	}

	private void refuseWhileDraining() {
		if (this.registry.isDraining()) {
			throw ApiProblems.unavailable("Portico is shutting down: listeners are draining and cannot be started", 5);
		}
	}

	private static ListenerStatus statusOrProblem(ListenerOutcome outcome) {
		if (!outcome.result().isSuccess()) {
			throw failure(outcome);
		}
		return outcome.listener().status();
	}

	private static ErrorResponseException failure(ListenerOutcome outcome) {
		return switch (outcome.result()) {
			case NOT_FOUND -> ApiProblems.notFound(outcome.detail() + ": GET /api/listeners lists them");
			case NAME_TAKEN -> ApiProblems.conflict(outcome.detail() + ": choose another name or delete it first");
			case PORT_TAKEN -> ApiProblems.conflict(outcome.detail() + ": choose another port (or 0 for any)");
			case BIND_FAILED -> ApiProblems.of(HttpStatus.CONFLICT,
					outcome.detail()
							+ ". The listener is FAILED: free the port, or delete it and create it on another port.",
					Map.of("listener", outcome.listener().status()));
			case INVALID -> ApiProblems.badRequest(outcome.detail());
			case DRAINING -> ApiProblems.unavailable(outcome.detail(), 5);
			default -> ApiProblems.serverError(outcome.detail());
		};
	}

}
