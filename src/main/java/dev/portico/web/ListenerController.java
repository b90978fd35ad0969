package dev.portico.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

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

/**
 * Listeners over REST: list, create, start, stop, delete, and their connections. Start
 * and stop are idempotent and answer the listener's new status. Routes a type adds
 * (multiconn's pushes, the search index) live in that type's package.
 */
@RestController
@RequestMapping(path = "/api/listeners", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Listeners", description = "Every listener with its state and figures; create, start, stop and delete"
		+ " listeners; their open connections.")
class ListenerController {

	private static final Set<String> ADDRESS_KEYS = Set.of("type", "port", "bind", "name");

	private final ListenerRegistry registry;

	ListenerController(ListenerRegistry registry) {
		this.registry = registry;
	}

	@GetMapping
	@Operation(operationId = "listListeners", summary = "List every listener",
			description = "Each listener's state (RUNNING, STOPPED, FAILED with the cause), bound address,"
					+ " connection counts, bytes and messages in and out, queued output and errors.")
	@ApiResponse(responseCode = "200", description = "Every listener, in the order they were defined")
	List<ListenerStatus> list() {
		return this.registry.list().stream().map(Listener::status).toList();
	}

	@GetMapping("/{name}")
	@Operation(operationId = "getListener", summary = "Read one listener")
	@ApiResponse(responseCode = "200", description = "The listener's state and figures")
	@ApiResponse(responseCode = "404", description = "No listener has this name")
	ListenerStatus get(@PathVariable String name) {
		return listener(name).status();
	}

	/**
	 * Create a listener and, unless its options say {@code "autostart": false}, start it,
	 * in one step: a listener that cannot bind is not kept, and the answer is a 409
	 * problem with the cause.
	 */
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createListener", summary = "Create a listener (started at once)",
			description = "Creates a listener and starts it unless options.autostart is false. A listener that"
					+ " cannot bind is not kept. The options are any listener key of configuration"
					+ " (portico.listeners.<name>.*) but type, port and bind, in kebab-case or camelCase, with"
					+ " the same value syntax (\"30s\", \"1MB\"); an unknown key is refused with the list of"
					+ " valid ones.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
					mediaType = MediaType.APPLICATION_JSON_VALUE,
					examples = { @ExampleObject(name = "echo", summary = "An echo listener on any free port",
							value = "{\"name\": \"echo-2\", \"type\": \"echo\", \"port\": 0, \"bind\": \"127.0.0.1\","
									+ " \"options\": {\"idle-timeout\": \"30s\", \"max-connections\": 100}}"),
							@ExampleObject(name = "multiconn", summary = "A multiconn listener with a larger queue",
									value = "{\"name\": \"multiconn-2\", \"type\": \"multiconn\", \"port\": 0, \"bind\": \"127.0.0.1\","
											+ " \"options\": {\"max-queued-bytes\": \"4MB\"}}"),
							@ExampleObject(name = "search", summary = "A search listener that keeps connections open",
									value = "{\"name\": \"search-2\", \"type\": \"search\", \"port\": 0, \"bind\": \"127.0.0.1\","
											+ " \"options\": {\"keep-alive\": true}}"),
							@ExampleObject(name = "udp", summary = "A UDP listener that acknowledges",
									value = "{\"name\": \"udp-2\", \"type\": \"udp\", \"port\": 0, \"bind\": \"127.0.0.1\","
											+ " \"options\": {\"reply\": \"ack\"}}"),
							@ExampleObject(name = "stopped", summary = "Defined but not started",
									value = "{\"name\": \"echo-3\", \"type\": \"echo\", \"port\": 0, \"bind\": \"127.0.0.1\","
											+ " \"options\": {\"autostart\": false}}") })))
	@ApiResponse(responseCode = "201",
			description = "Created (and started, unless autostart is false); Location" + " names the new listener")
	@ApiResponse(responseCode = "400",
			description = "Invalid name, type, port, bind or option; the detail names"
					+ " the key and what to send instead")
	@ApiResponse(responseCode = "409",
			description = "The name or port is taken, or the port cannot be bound (the listener is not kept)")
	@ApiResponse(responseCode = "503", description = "Portico is shutting down")
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
	@Operation(operationId = "deleteListener", summary = "Stop and delete a listener",
			description = "Stops the listener, closes its connections and forgets it; a configured listener comes"
					+ " back at the next start of Portico.")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "404", description = "No listener has this name")
	void delete(@PathVariable String name) {
		ListenerOutcome outcome = this.registry.delete(name);
		if (outcome.result() != Result.DELETED) {
			throw failure(outcome);
		}
	}

	@PostMapping("/{name}/start")
	@Operation(operationId = "startListener", summary = "Start a listener (idempotent)")
	@ApiResponse(responseCode = "200", description = "The listener's new state; also when it was running already")
	@ApiResponse(responseCode = "404", description = "No listener has this name")
	@ApiResponse(responseCode = "409",
			description = "The port cannot be bound: the listener is FAILED and the detail names the cause")
	@ApiResponse(responseCode = "503", description = "Portico is shutting down")
	ListenerStatus start(@PathVariable String name) {
		refuseWhileDraining();
		return statusOrProblem(this.registry.start(name));
	}

	@PostMapping("/{name}/stop")
	@Operation(operationId = "stopListener", summary = "Stop a listener (idempotent)",
			description = "Closes the listening socket and every connection; the listener stays defined.")
	@ApiResponse(responseCode = "200", description = "The listener's new state; also when it was stopped already")
	@ApiResponse(responseCode = "404", description = "No listener has this name")
	ListenerStatus stop(@PathVariable String name) {
		return statusOrProblem(this.registry.stop(name));
	}

	@GetMapping("/{name}/connections")
	@Operation(operationId = "listConnections", summary = "List a listener's open connections",
			description = "Each connection's id (for push and close), remote address, opening time, bytes in and"
					+ " out and queued output. A UDP listener has none.")
	@ApiResponse(responseCode = "200", description = "The open connections")
	@ApiResponse(responseCode = "404", description = "No listener has this name")
	List<ConnectionView> connections(@PathVariable String name) {
		return listener(name).connections().stream().map(ConnectionView::of).toList();
	}

	@DeleteMapping("/{name}/connections/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "closeConnection", summary = "Close one connection")
	@ApiResponse(responseCode = "204", description = "Closed")
	@ApiResponse(responseCode = "404", description = "No such listener, or it has no open connection with this id")
	void closeConnection(@PathVariable String name, @PathVariable String id) {
		if (!listener(name).closeConnection(id)) {
			throw ApiProblems.notFound("Listener '" + name + "' has no open connection '" + id
					+ "': GET /api/listeners/" + name + "/connections lists them");
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
