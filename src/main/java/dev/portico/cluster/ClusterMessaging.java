package dev.portico.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.backoff.FixedBackOff;

import dev.portico.api.ApiProblems;
import dev.portico.cluster.ClusterMessage.Reply;
import dev.portico.cluster.ClusterMessage.Request;

/**
 * Request and reply between replicas over Redis pub/sub, on Spring Data Redis's
 * {@link RedisMessageListenerContainer} (which resubscribes after Redis comes back). A
 * request goes to one channel every replica subscribes to; PUBLISH answers how many
 * replicas received it, so the asker knows how many replies to wait for, without a
 * membership protocol of its own. Each reply goes to the asker's own channel. Messages
 * are handled in order on one thread, and every handler is quick (a queue offer, a
 * listener start), so no reply waits behind a slow one.
 */
final class ClusterMessaging {

	private static final Log logger = LogFactory.getLog(ClusterMessaging.class);

	/** How long an asker waits for every replica's reply. */
	static final Duration REPLY_TIMEOUT = Duration.ofMillis(1500);

	private final ClusterProperties properties;

	private final StringRedisTemplate redis;

	private final RedisLink link;

	private final ClusterErrors errors;

	private final JsonMapper json;

	private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();

	private final ExecutorService events = Executors
		.newSingleThreadExecutor(new CustomizableThreadFactory("portico-cluster-events-"));

	private final Map<String, Function<Request, Reply>> handlers = new ConcurrentHashMap<>();

	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	private final String requests;

	private boolean initialized;

	private final String replies;

	ClusterMessaging(ClusterProperties properties, RedisConnectionFactory connectionFactory, StringRedisTemplate redis,
			RedisLink link, ClusterErrors errors, JsonMapper json) {
		this.properties = properties;
		this.redis = redis;
		this.link = link;
		this.errors = errors;
		this.json = json;
		this.requests = properties.keyPrefix() + "requests";
		this.replies = properties.keyPrefix() + "replies:" + properties.instanceId();
		this.container.setConnectionFactory(connectionFactory);
		// notifications that arrive while stopping (unsubscribed) are dropped, not errors
		this.container.setTaskExecutor((task) -> {
			try {
				this.events.execute(task);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		});
		this.container.setRecoveryBackoff(new FixedBackOff(properties.heartbeat().toMillis()));
		this.container.setBeanName("portico-cluster");
		this.container.setErrorHandler((ex) -> logger.debug("Cluster mode: pub/sub listener failed", ex));
		this.container.addMessageListener(this::onRequest, new ChannelTopic(this.requests));
		this.container.addMessageListener(this::onReply, new ChannelTopic(this.replies));
	}

	String instanceId() {
		return this.properties.instanceId();
	}

	/** Answer requests of one operation; the handler runs on the events thread. */
	void handle(String op, Function<Request, Reply> handler) {
		this.handlers.put(op, handler);
	}

	/**
	 * Follow a channel; {@code subscribed} runs each time the subscription is
	 * (re-)established, when messages may have been missed.
	 */
	void subscribe(String channel, Consumer<String> listener, Runnable subscribed) {
		this.container.addMessageListener(new Listener(listener, subscribed), new ChannelTopic(channel));
	}

	/**
	 * Subscribe, in the background: with Redis unreachable the container retries every
	 * heartbeat, and start-up goes on.
	 */
	void start() {
		if (!this.initialized) {
			this.container.afterPropertiesSet();
			this.initialized = true;
		}
		Thread subscriber = new Thread(() -> {
			try {
				this.container.start();
			}
			catch (RuntimeException ex) {
				this.link.failed(ex);
			}
		}, "portico-cluster-subscribe");
		subscriber.setDaemon(true);
		subscriber.start();
	}

	/** Unsubscribe; {@link #start()} subscribes again. */
	void stop() {
		try {
			this.container.stop();
		}
		catch (RuntimeException ex) {
			logger.debug("Cluster mode: stopping the pub/sub container failed", ex);
		}
	}

	/** Release the container and the events thread, for good. */
	void destroy() {
		try {
			this.container.destroy();
		}
		catch (Exception ex) {
			logger.debug("Cluster mode: closing the pub/sub container failed", ex);
		}
		this.events.shutdown();
		try {
			this.events.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Publish a message (index changes are published by Redis scripts instead). */
	long publish(String what, String channel, String message) {
		Long receivers = this.link.call(what, () -> this.redis.convertAndSend(channel, message));
		return (receivers != null) ? receivers : 0;
	}

	/**
	 * Ask every replica subscribed now, this one included, and wait for their replies
	 * until {@code enough} accepts one, all have answered, or the timeout passes.
	 * @param what what needs the other replicas, for a 503 detail
	 * @return the replies, and how many were expected
	 */
	Answers askAll(String what, Request request, Predicate<Reply> enough, Duration timeout) {
		Pending waiting = new Pending(enough);
		this.pending.put(request.id(), waiting);
		try {
			String message = this.json.writeValueAsString(request);
			long receivers = publish(what, this.requests, message);
			if (receivers == 0) {
				throw ApiProblems.unavailable("No replica, not even this one, is subscribed to Redis yet, so " + what
						+ " cannot be done now; retry in a few seconds", 2);
			}
			waiting.expect((int) receivers);
			List<Reply> got = waiting.await(System.nanoTime() + timeout.toNanos());
			return new Answers(got, (int) receivers);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ApiProblems.unavailable("Interrupted while waiting for the other replicas", 1);
		}
		finally {
			this.pending.remove(request.id());
		}
	}

	/** A new request from this replica. */
	Request request(String op, String listener, String connection, String bytes, String definition) {
		return new Request(UUID.randomUUID().toString(), instanceId(), op, listener, connection, bytes, definition);
	}

	/** A reply from this replica. */
	Reply reply(Request request, String result, int queued, int full, String detail, String body) {
		return new Reply(request.id(), instanceId(), result, queued, full, detail, body);
	}

	private void onRequest(Message message, byte[] pattern) {
		String where = "channel " + this.requests;
		Request request;
		try {
			request = this.json.readValue(message.getBody(), Request.class);
		}
		catch (JacksonException ex) {
			this.errors.ignored(where, "not a request: " + ex.getOriginalMessage());
			return;
		}
		Function<Request, Reply> handler = (request != null && request.isWellFormed()) ? this.handlers.get(request.op())
				: null;
		if (handler == null) {
			this.errors.ignored(where, "a request without id, sender or known operation");
			return;
		}
		Reply reply;
		try {
			reply = handler.apply(request);
		}
		catch (RuntimeException ex) {
			this.errors.ignored(where, "a request that could not be carried out: " + ex);
			reply = reply(request, "ERROR", 0, 0, "Instance '" + instanceId() + "' could not do it: " + ex, null);
		}
		try {
			this.redis.convertAndSend(this.properties.keyPrefix() + "replies:" + request.from(),
					this.json.writeValueAsString(reply));
		}
		catch (RuntimeException ex) {
			this.link.failed(ex);
		}
	}

	private void onReply(Message message, byte[] pattern) {
		Reply reply;
		try {
			reply = this.json.readValue(message.getBody(), Reply.class);
		}
		catch (JacksonException ex) {
			this.errors.ignored("channel " + this.replies, "not a reply: " + ex.getOriginalMessage());
			return;
		}
		if (reply == null || !reply.isWellFormed()) {
			this.errors.ignored("channel " + this.replies, "a reply without id, sender or result");
			return;
		}
		Pending waiting = this.pending.get(reply.id());
		if (waiting != null) {
			waiting.add(reply);
		}
	}

	/**
	 * The replies to one request, and how many replicas received it.
	 *
	 * @param replies the replies that came in time
	 * @param expected how many replicas received the request
	 */
	record Answers(List<Reply> replies, int expected) {

		/** Whether some replica that received the request did not answer in time. */
		boolean incomplete() {
			return this.replies.size() < this.expected;
		}

	}

	/** A message listener that also hears of (re-)subscriptions. */
	private static final class Listener implements MessageListener, SubscriptionListener {

		private final Consumer<String> listener;

		private final Runnable subscribed;

		Listener(Consumer<String> listener, Runnable subscribed) {
			this.listener = listener;
			this.subscribed = subscribed;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			this.listener.accept(new String(message.getBody(), StandardCharsets.UTF_8));
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			this.subscribed.run();
		}

	}

	/** Replies to one request as they come in. */
	private static final class Pending {

		private final Predicate<Reply> enough;

		private final List<Reply> replies = new ArrayList<>();

		private int expected = Integer.MAX_VALUE;

		private boolean done;

		Pending(Predicate<Reply> enough) {
			this.enough = enough;
		}

		synchronized void add(Reply reply) {
			this.replies.add(reply);
			if (this.enough.test(reply) || this.replies.size() >= this.expected) {
				this.done = true;
				notifyAll();
			}
		}

		synchronized void expect(int expected) {
			this.expected = expected;
			if (this.replies.size() >= expected) {
				this.done = true;
				notifyAll();
			}
		}

		synchronized List<Reply> await(long deadlineNanos) throws InterruptedException {
			while (!this.done) {
				long left = deadlineNanos - System.nanoTime();
				if (left <= 0) {
					break;
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			return List.copyOf(this.replies);
		}

	}

}
