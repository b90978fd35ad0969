package dev.portico.multiconn;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.portico.api.ApiProblems;
import dev.portico.api.ApiProperties;
import dev.portico.api.RequestBodies;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.tcp.Broadcast;
import dev.portico.tcp.PushResult;
import dev.portico.tcp.TcpServer;

/**
 * Server-initiated messages over REST: the body, as is, queued to one connection or to
 * every open connection of a multiconn listener, through the same bounded queues as the
 * echo.
 */
@RestController
@RequestMapping(path = "/api/listeners/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Push", description = "Server-initiated messages to the connections of a multiconn listener, queued"
		+ " through the same bounded per-connection queues as its echo.")
class MulticonnController {

	private final ListenerRegistry registry;

	private final ApiProperties properties;

	MulticonnController(ListenerRegistry registry, ApiProperties properties) {
		this.registry = registry;
		this.properties = properties;
	}

	/** Queue the body, as is, to one connection of a multiconn listener. */
	@PostMapping(path = "/connections/{id}/messages",
			consumes = { MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.TEXT_PLAIN_VALUE })
	@Operation(operationId = "pushToConnection", summary = "Push bytes to one connection (multiconn)",
			description = "Queues the body, byte for byte, to one open connection; the id comes from GET"
					+ " /api/listeners/{name}/connections. Nothing is queued when the connection's queue is full.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = {
							@Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"),
									examples = @ExampleObject(name = "line", value = "hello\n")),
							@Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
									schema = @Schema(type = "string", format = "binary")) }))
	@ApiResponse(responseCode = "202", description = "Queued for the connection")
	@ApiResponse(responseCode = "400", description = "The body is empty")
	@ApiResponse(responseCode = "404", description = "No such listener, or it has no open connection with this id")
	@ApiResponse(responseCode = "409", description = "The listener is not of type multiconn")
	@ApiResponse(responseCode = "413", description = "The body is larger than portico.api.max-body-size")
	@ApiResponse(responseCode = "415", description = "The body is neither text/plain nor application/octet-stream")
	@ApiResponse(responseCode = "503",
			description = "The connection's queue is full (its peer is not reading): nothing was queued; see Retry-After")
	ResponseEntity<PushResponse> push(@PathVariable String name, @PathVariable String id, HttpServletRequest request)
			throws IOException {
		TcpServer<?> server = serverOf(name);
		byte[] body = RequestBodies.read(request, this.properties.maxBodySize().toBytes());
		PushResult result = server.push(id, body);
		return switch (result) {
			case QUEUED -> ResponseEntity.accepted().body(new PushResponse(name, body.length, 1, 0));
			case NO_SUCH_CONNECTION -> throw ApiProblems.notFound("Listener '" + name + "' has no open connection '"
					+ id + "': GET /api/listeners/" + name + "/connections lists them");
			case QUEUE_FULL -> throw queueFull("Connection '" + id + "' of listener '" + name
					+ "' has a full queue: its peer is not reading. Nothing was queued; retry later or close it.");
		};
	}

	/** Queue the body, as is, to every open connection of a multiconn listener. */
	@PostMapping(path = "/broadcast",
			consumes = { MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.TEXT_PLAIN_VALUE })
	@Operation(operationId = "broadcast", summary = "Push bytes to every connection (multiconn)",
			description = "Queues the body, byte for byte, to every open connection of the listener; connections"
					+ " whose queue is full are skipped and counted in \"full\".",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = {
							@Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"),
									examples = @ExampleObject(name = "line", value = "hello, everyone\n")),
							@Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
									schema = @Schema(type = "string", format = "binary")) }))
	@ApiResponse(responseCode = "202", description = "Queued; \"queued\" and \"full\" count the connections")
	@ApiResponse(responseCode = "400", description = "The body is empty")
	@ApiResponse(responseCode = "404", description = "No listener has this name")
	@ApiResponse(responseCode = "409", description = "The listener is not of type multiconn")
	@ApiResponse(responseCode = "413", description = "The body is larger than portico.api.max-body-size")
	@ApiResponse(responseCode = "415", description = "The body is neither text/plain nor application/octet-stream")
	@ApiResponse(responseCode = "503",
			description = "Every connection's queue is full: nothing was queued; see" + " Retry-After")
	ResponseEntity<PushResponse> broadcast(@PathVariable String name, HttpServletRequest request) throws IOException {
		TcpServer<?> server = serverOf(name);
		byte[] body = RequestBodies.read(request, this.properties.maxBodySize().toBytes());
		Broadcast broadcast = server.broadcast(body);
		if (broadcast.queued() == 0 && broadcast.full() > 0) {
			throw queueFull("Every connection of listener '" + name + "' (" + broadcast.full()
					+ ") has a full queue: their peers are not reading. Nothing was queued; retry later.");
		}
		return ResponseEntity.accepted()
			.body(new PushResponse(name, body.length, broadcast.queued(), broadcast.full()));
	}

	private TcpServer<?> serverOf(String name) {
		Listener listener = this.registry.get(name)
			.orElseThrow(() -> ApiProblems.notFound("No listener named '" + name + "': GET /api/listeners lists them"));
		if (!(listener.type() instanceof MulticonnListenerType)
				|| !(listener.runtime() instanceof TcpServer<?> server)) {
			throw ApiProblems.conflict("Listener '" + name + "' is of type " + listener.type().id()
					+ ": only multiconn listeners queue server-initiated messages");
		}
		return server;
	}

	private static ErrorResponseException queueFull(String detail) {
		return ApiProblems.unavailable(detail, 1);
	}

}
