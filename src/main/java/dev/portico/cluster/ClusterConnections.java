package dev.portico.cluster;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;

import dev.portico.api.ApiProblems;
import dev.portico.cluster.ClusterMessage.Reply;
import dev.portico.cluster.ClusterMessage.Request;
import dev.portico.cluster.ClusterMessaging.Answers;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.tcp.Broadcast;
import dev.portico.tcp.PeerConnections;
import dev.portico.tcp.PushResult;
import dev.portico.tcp.TcpServer;

/**
 * Push, close and broadcast across replicas: the request goes to every replica over
 * Redis, the one holding the connection acts on it and says so. Connection ids are unique
 * across the cluster (Spring Integration puts a random UUID in each), so any replica's
 * API accepts any id.
 */
final class ClusterConnections implements PeerConnections {

	static final String PUSH = "push";

	static final String CLOSE = "close";

	static final String BROADCAST = "broadcast";

	private static final String MULTICONN = "multiconn";

	private static final String CLOSED = "CLOSED";

	private final ClusterMessaging messaging;

	private final ListenerRegistry registry;

	private final ClusterMeters meters;

	ClusterConnections(ClusterMessaging messaging, ListenerRegistry registry, ClusterMeters meters) {
		this.messaging = messaging;
		this.registry = registry;
		this.meters = meters;
		messaging.handle(PUSH, this::onPush);
		messaging.handle(CLOSE, this::onClose);
		messaging.handle(BROADCAST, this::onBroadcast);
	}

	@Override
	public boolean isClustered() {
		return true;
	}

	@Override
	public String localInstance() {
		return this.messaging.instanceId();
	}

	@Override
	public Delivery push(String listener, String connectionId, byte[] bytes) {
		this.meters.forwarded(PUSH).increment();
		Answers answers = this.messaging.askAll("a push to a connection another replica holds",
				this.messaging.request(PUSH, listener, connectionId, Base64.getEncoder().encodeToString(bytes), null),
				(reply) -> !PushResult.NO_SUCH_CONNECTION.name().equals(reply.result()),
				ClusterMessaging.REPLY_TIMEOUT);
		for (Reply reply : answers.replies()) {
			if (PushResult.QUEUED.name().equals(reply.result())
					|| PushResult.QUEUE_FULL.name().equals(reply.result())) {
				return new Delivery(PushResult.valueOf(reply.result()), reply.from());
			}
		}
		refuseIfIncomplete(answers, "the push");
		return new Delivery(PushResult.NO_SUCH_CONNECTION, null);
	}

	@Override
	public String close(String listener, String connectionId) {
		this.meters.forwarded(CLOSE).increment();
		Answers answers = this.messaging.askAll("closing a connection another replica holds",
				this.messaging.request(CLOSE, listener, connectionId, null, null),
				(reply) -> CLOSED.equals(reply.result()), ClusterMessaging.REPLY_TIMEOUT);
		Optional<Reply> closed = answers.replies()
			.stream()
			.filter((reply) -> CLOSED.equals(reply.result()))
			.findFirst();
		if (closed.isPresent()) {
			return closed.get().from();
		}
		refuseIfIncomplete(answers, "the close");
		return null;
	}

	@Override
	public List<InstanceBroadcast> broadcast(String listener, byte[] bytes) {
		this.meters.forwarded(BROADCAST).increment();
		Answers answers = this.messaging.askAll("a broadcast to every replica",
				this.messaging.request(BROADCAST, listener, null, Base64.getEncoder().encodeToString(bytes), null),
				(reply) -> false, ClusterMessaging.REPLY_TIMEOUT);
		List<InstanceBroadcast> shares = new ArrayList<>();
		for (Reply reply : answers.replies()) {
			shares.add(new InstanceBroadcast(reply.from(), reply.queued(), reply.full(), reply.detail()));
		}
		shares.sort(Comparator.comparing(InstanceBroadcast::instance));
		if (answers.incomplete()) {
			// the bytes were queued where replicas answered; say so rather than guess
			throw ApiProblems.of(HttpStatus.GATEWAY_TIMEOUT,
					(answers.expected() - answers.replies().size()) + " of " + answers.expected()
							+ " replicas did not confirm the broadcast within "
							+ ClusterMessaging.REPLY_TIMEOUT.toMillis() + " ms; those that did: " + shares,
					Map.of("instances", shares));
		}
		return shares;
	}

	private static void refuseIfIncomplete(Answers answers, String what) {
		if (answers.incomplete()) {
			throw ApiProblems.unavailable((answers.expected() - answers.replies().size()) + " of " + answers.expected()
					+ " replicas did not answer within " + ClusterMessaging.REPLY_TIMEOUT.toMillis() + " ms, so " + what
					+ " could not be settled; retry in a moment", 1);
		}
	}

	private Reply onPush(Request request) {
		Optional<TcpServer<?>> server = multiconn(request.listener());
		if (server.isEmpty() || request.connection() == null || request.bytes() == null) {
			return this.messaging.reply(request, PushResult.NO_SUCH_CONNECTION.name(), 0, 0, null, null);
		}
		PushResult result = server.get().push(request.connection(), Base64.getDecoder().decode(request.bytes()));
		return this.messaging.reply(request, result.name(), 0, 0, null, null);
	}

	private Reply onClose(Request request) {
		Optional<Listener> listener = this.registry.get(String.valueOf(request.listener()));
		boolean closed = listener.isPresent() && request.connection() != null
				&& listener.get().closeConnection(request.connection());
		return this.messaging.reply(request, closed ? CLOSED : "NO_SUCH_CONNECTION", 0, 0, null, null);
	}

	private Reply onBroadcast(Request request) {
		Optional<TcpServer<?>> server = multiconn(request.listener());
		if (server.isEmpty() || request.bytes() == null) {
			return this.messaging.reply(request, "NO_LISTENER", 0, 0,
					"no multiconn listener named '" + request.listener() + "' on this instance", null);
		}
		Broadcast broadcast = server.get().broadcast(Base64.getDecoder().decode(request.bytes()));
		return this.messaging.reply(request, "QUEUED", broadcast.queued(), broadcast.full(), null, null);
	}

	private Optional<TcpServer<?>> multiconn(String name) {
		return this.registry.get(String.valueOf(name))
			.filter((listener) -> MULTICONN.equals(listener.type().id()))
			.map(Listener::runtime)
			.filter(TcpServer.class::isInstance)
			.map((runtime) -> (TcpServer<?>) runtime);
	}

}
