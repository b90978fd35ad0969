package dev.portico.multiconn;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

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
