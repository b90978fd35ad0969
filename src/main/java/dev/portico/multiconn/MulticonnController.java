package dev.portico.multiconn;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.beans.factory.ObjectProvider;
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
import dev.portico.tcp.PeerConnections;
import dev.portico.tcp.PeerConnections.Delivery;
import dev.portico.tcp.PeerConnections.InstanceBroadcast;
import dev.portico.tcp.PushResult;
import dev.portico.tcp.TcpServer;

/**
 * Server-initiated messages over REST: the body, as is, queued to one connection or to
 * every open connection of a multiconn listener, through the same bounded queues as the
 * echo. With other replicas ({@link PeerConnections}, cluster mode), a push reaches the
 * connection on whichever replica holds it, and a broadcast every replica's connections.
 */
@RestController
@RequestMapping(path = "/api/listeners/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Push", description = "Server-initiated messages to the connections of a multiconn listener, queued"
		+ " through the same bounded per-connection queues as its echo.")
class MulticonnController {

	private final ListenerRegistry registry;

	private final ApiProperties properties;

	private final PeerConnections peers;

	MulticonnController(ListenerRegistry registry, ApiProperties properties, ObjectProvider<PeerConnections> peers) {
		this.registry = registry;
		this.properties = properties;
		this.peers = peers.getIfAvailable(() -> PeerConnections.NONE);
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
		Optional<TcpServer<?>> server = serverOf(name);
		byte[] body = RequestBodies.read(request, this.properties.maxBodySize().toBytes());
		PushResult result = server.map((local) -> local.push(id, body)).orElse(PushResult.NO_SUCH_CONNECTION);
		String instance = this.peers.localInstance();
		if (result == PushResult.NO_SUCH_CONNECTION && this.peers.isClustered()) {
			Delivery delivery = this.peers.push(name, id, body);
			result = delivery.result();
			instance = delivery.instance();
		}
		String holder = instance;
		return switch (result) {
			case QUEUED -> ResponseEntity.accepted().body(new PushResponse(name, body.length, 1, 0, holder, null));
			case NO_SUCH_CONNECTION -> throw ApiProblems.notFound("Listener '" + name + "' has no open connection '"
					+ id + "'" + (this.peers.isClustered() ? " on any live replica" : "") + ": GET /api/listeners/"
					+ name + "/connections lists them");
			case QUEUE_FULL -> throw queueFull("Connection '" + id + "' of listener '" + name + "'"
					+ ((holder != null) ? " (on instance '" + holder + "')" : "")
					+ " has a full queue: its peer is not reading. Nothing was queued; retry later or close it.");
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
		Optional<TcpServer<?>> server = serverOf(name);
		byte[] body = RequestBodies.read(request, this.properties.maxBodySize().toBytes());
		if (this.peers.isClustered()) {
			return clusterBroadcast(name, body);
		}
		Broadcast broadcast = server.orElseThrow().broadcast(body);
		if (broadcast.queued() == 0 && broadcast.full() > 0) {
			throw queueFull("Every connection of listener '" + name + "' (" + broadcast.full()
					+ ") has a full queue: their peers are not reading. Nothing was queued; retry later.");
		}
		return ResponseEntity.accepted()
			.body(new PushResponse(name, body.length, broadcast.queued(), broadcast.full()));
	}

	/** Every replica's share, this one's included, queued once per open connection. */
	private ResponseEntity<PushResponse> clusterBroadcast(String name, byte[] body) {
		List<InstanceBroadcast> shares = this.peers.broadcast(name, body);
		int queued = shares.stream().mapToInt(InstanceBroadcast::queued).sum();
		int full = shares.stream().mapToInt(InstanceBroadcast::full).sum();
		if (queued == 0 && full > 0) {
			throw queueFull("Every connection of listener '" + name + "' on every replica (" + full
					+ ") has a full queue: their peers are not reading. Nothing was queued; retry later.");
		}
		return ResponseEntity.accepted().body(new PushResponse(name, body.length, queued, full, null, shares));
	}

	/**
	 * This replica's multiconn listener of that name; empty only in cluster mode, where
	 * another replica may have it.
	 */
	private Optional<TcpServer<?>> serverOf(String name) {
		Optional<Listener> found = this.registry.get(name);
		if (found.isEmpty() && this.peers.isClustered()) {
			return Optional.empty();
		}
		Listener listener = found
			.orElseThrow(() -> ApiProblems.notFound("No listener named '" + name + "': GET /api/listeners lists them"));
		if (!(listener.type() instanceof MulticonnListenerType)
				|| !(listener.runtime() instanceof TcpServer<?> server)) {
			throw ApiProblems.conflict("Listener '" + name + "' is of type " + listener.type().id()
					+ ": only multiconn listeners queue server-initiated messages");
		}
		return Optional.of(server);
	}

	private static ErrorResponseException queueFull(String detail) {
		return ApiProblems.unavailable(detail, 1);
	}

}
