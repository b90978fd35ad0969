package dev.portico.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.portico.console.EventStream.End;
import dev.portico.console.ListenerChanges.ConnectionChange;
import dev.portico.console.ListenerChanges.StateChange;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerStatus;

/**
 * The source of {@code GET /api/events}. One scheduler thread looks at the listener
 * registry: every {@code interval} it takes every listener's status (sent as a
 * {@code listeners} event, and kept as history for the charts), every
 * {@code change-interval} it compares states and connection counts with its previous look
 * and sends what changed as one {@code change} event, and every {@code ping} it sends a
 * comment. Everything is derived from snapshots, so however many connections open in
 * between, a look costs one event.
 *
 * <p>
 * Each event is serialized once and offered to every stream's bounded queue; the
 * scheduler never writes to a client, so a stalled browser cannot hold it up. It also
 * ends streams whose write has been blocked longer than the send timeout.
 */
final class ConsoleEvents implements SmartLifecycle, MeterBinder, EventStream.Owner {

	private static final Log logger = LogFactory.getLog(ConsoleEvents.class);

	/**
	 * What EventSource-style clients should wait before reconnecting, in milliseconds.
	 */
	static final long RECONNECT_MILLIS = 2000;

	private final ListenerRegistry registry;

	private final ConsoleProperties properties;

	private final JsonMapper json;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ThreadPoolExecutor senders;

	private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();

	/**
	 * Streams not yet released: open ones, and ended ones whose last write has not
	 * returned.
	 */
	private final AtomicInteger places = new AtomicInteger();

	private final Map<End, Counter> endCounters = new ConcurrentHashMap<>();

	private volatile Counter refusedCounter;

	/** The previous look, by listener name; only the scheduler thread touches it. */
	private final Map<String, Look> looks = new HashMap<>();

	/** Figures history by listener name, guarded by itself. */
	private final Map<String, History> history = new LinkedHashMap<>();

	private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

	private volatile boolean running;

	ConsoleEvents(ListenerRegistry registry, ConsoleProperties properties, JsonMapper json) {
		this.registry = registry;
		this.properties = properties;
		this.json = json;
		this.scheduler = new ScheduledThreadPoolExecutor(1, threads("portico-console-events"));
		this.scheduler.setRemoveOnCancelPolicy(true);
		// at most one send task per stream and at most max-streams streams hold a place:
		// never more threads
		this.senders = new ThreadPoolExecutor(properties.maxStreams(), properties.maxStreams(), 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), threads("portico-console-send"));
		this.senders.allowCoreThreadTimeOut(true);
	}

	/**
	 * Open a stream: it first gets the history and the figures now, then the live events.
	 * @throws StreamRefusedException when {@code portico.console.max-streams} are open,
	 * or the service is stopping
	 */
	SseEmitter subscribe() {
		if (!this.running) {
			throw new StreamRefusedException("Portico is shutting down: no new event streams");
		}
		int taken = this.places.incrementAndGet();
		if (taken > this.properties.maxStreams()) {
			this.places.decrementAndGet();
			Counter refused = this.refusedCounter;
			if (refused != null) {
				refused.increment();
			}
			throw new StreamRefusedException("Too many console event streams are open (portico.console.max-streams is "
					+ this.properties.maxStreams() + "): close a console tab, or raise the limit");
		}
		// no timeout: the stream lives until the client leaves, is too slow, or the
		// service stops
		SseEmitter emitter = new SseEmitter(0L);
		EventStream stream = new EventStream(emitter, this.properties.maxQueuedBytes().toBytes(), this.senders, this);
		try {
			long now = System.currentTimeMillis();
			ConsoleEvent history = ConsoleEvent.named("history", now, historyJson()).withReconnect(RECONNECT_MILLIS);
			ConsoleEvent figures = ConsoleEvent.named("listeners", now,
					this.json.writeValueAsString(statuses(this.registry.list())));
			stream.allow(history.size() + figures.size());
			stream.offer(history);
			stream.offer(figures);
		}
		catch (RuntimeException ex) {
			stream.end(End.SHUTDOWN);
			throw ex;
		}
		this.streams.add(stream);
		if (!this.running) {
			// stopped while subscribing: end it like the others
			stream.end(End.SHUTDOWN);
		}
		return emitter;
	}

	/** Streams taking events now. */
	int openStreams() {
		return this.streams.size();
	}

	/**
	 * Places among {@code max-streams} taken: open streams and ended ones still finishing
	 * a write.
	 */
	int placesTaken() {
		return this.places.get();
	}

	/** The most bytes any open stream has had queued. */
	long highWaterBytes() {
		return this.streams.stream().mapToLong(EventStream::highWaterBytes).max().orElse(0);
	}

	/** Bytes queued over all open streams now. */
	long queuedBytes() {
		return this.streams.stream().mapToLong(EventStream::queuedBytes).sum();
	}

	@Override
	public void ended(EventStream stream, End reason) {
		this.streams.remove(stream);
		Counter counter = this.endCounters.get(reason);
		if (counter != null) {
			counter.increment();
		}
		if (reason == End.SLOW || reason == End.STALLED) {
			logger.info("Dropped a console event stream: its client is " + reason.tag() + " (see portico.console."
					+ ((reason == End.SLOW) ? "max-queued-bytes" : "send-timeout") + ")");
		}
	}

	@Override
	public void released(EventStream stream) {
		this.places.decrementAndGet();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("portico.console.streams", this, ConsoleEvents::openStreams)
			.description("Console event streams open")
			.register(registry);
		for (End reason : End.values()) {
			this.endCounters.put(reason,
					Counter.builder("portico.console.streams.ended")
						.description("Console event streams ended, by reason")
						.tag("reason", reason.tag())
						.register(registry));
		}
		this.refusedCounter = Counter.builder("portico.console.streams.refused")
			.description("Console event streams refused because portico.console.max-streams were open")
			.register(registry);
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		long interval = this.properties.interval().toMillis();
		long changeInterval = this.properties.changeInterval().toMillis();
		long ping = this.properties.ping().toMillis();
		this.tasks
			.add(this.scheduler.scheduleAtFixedRate(guarded(this::sendFigures), 0, interval, TimeUnit.MILLISECONDS));
		this.tasks.add(this.scheduler.scheduleWithFixedDelay(guarded(this::sendChanges), changeInterval, changeInterval,
				TimeUnit.MILLISECONDS));
		this.tasks.add(this.scheduler.scheduleAtFixedRate(guarded(this::sendPing), ping, ping, TimeUnit.MILLISECONDS));
		this.running = true;
	}

	/**
	 * End every stream, so that the web server's graceful shutdown does not wait for
	 * them.
	 */
	@Override
	public synchronized void stop() {
		this.running = false;
		this.tasks.forEach((task) -> task.cancel(false));
		this.tasks.clear();
		List.copyOf(this.streams).forEach((stream) -> stream.end(End.SHUTDOWN));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (this.places.get() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stop after the listener registry has drained (phase -512), so the console shows the
	 * drain, and before the web server's graceful shutdown (phase -1024) waits for open
	 * requests.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 768;
	}

	/** Called by the context when it closes. */
	void destroy() {
		this.scheduler.shutdownNow();
		this.senders.shutdownNow();
	}

	private void sendFigures() {
		List<Listener> listeners = this.registry.list();
		List<ListenerStatus> statuses = statuses(listeners);
		long now = System.currentTimeMillis();
		record(now, listeners, statuses);
		if (!this.streams.isEmpty()) {
			broadcast(ConsoleEvent.named("listeners", now, this.json.writeValueAsString(statuses)));
		}
	}

	private void sendChanges() {
		long nanos = System.nanoTime();
		long timeout = this.properties.sendTimeout().toNanos();
		for (EventStream stream : this.streams) {
			if (stream.isStalled(nanos, timeout)) {
				stream.end(End.STALLED);
			}
		}
		ListenerChanges changes = compare(this.registry.list());
		if (!changes.isEmpty() && !this.streams.isEmpty()) {
			broadcast(ConsoleEvent.named("change", System.currentTimeMillis(), this.json.writeValueAsString(changes)));
		}
	}

	private void sendPing() {
		if (!this.streams.isEmpty()) {
			broadcast(ConsoleEvent.comment("ping"));
		}
	}

	private void broadcast(ConsoleEvent event) {
		for (EventStream stream : this.streams) {
			stream.offer(event);
		}
	}

	/**
	 * What changed since the previous look. Connection counts come from the listener's
	 * own monotonic totals: opened is the growth of accepted, closed what opened minus
	 * the growth of active, so a connection that opened and closed between two looks is
	 * still counted.
	 */
	ListenerChanges compare(List<Listener> listeners) {
		List<ListenerStatus> changed = new ArrayList<>();
		List<String> removed = new ArrayList<>();
		List<StateChange> states = new ArrayList<>();
		List<ConnectionChange> connections = new ArrayList<>();
		Map<String, Look> seen = new HashMap<>();
		for (Listener listener : listeners) {
			ListenerStatus status = listener.status();
			Look now = new Look(listener, status);
			Look before = this.looks.get(listener.name());
			if (before != null && before.listener != listener) {
				// deleted and created again under the same name: its totals started again
				// from zero
				removed.add(listener.name());
				before = null;
			}
			boolean differs = false;
			if (before == null || before.status.state() != status.state()
					|| !Objects.equals(before.status.failure(), status.failure())) {
				states.add(new StateChange(status.name(), (before != null) ? before.status.state() : null,
						status.state(), status.failure()));
				differs = true;
			}
			// a listener seen for the first time is compared with nothing: all its
			// connections are news
			ListenerStatus.Connections was = (before != null) ? before.status.connections()
					: new ListenerStatus.Connections(0, 0, 0, Map.of());
			ListenerStatus.Connections is = status.connections();
			long opened = Math.max(0, is.accepted() - was.accepted());
			long rejected = Math.max(0, is.rejected() - was.rejected());
			long closed = Math.max(0, opened - (is.active() - was.active()));
			if (opened > 0 || closed > 0 || rejected > 0) {
				connections.add(new ConnectionChange(status.name(), opened, closed, rejected, is.active()));
				differs = true;
			}
			if (differs) {
				changed.add(status);
			}
			seen.put(listener.name(), now);
		}
		for (String name : this.looks.keySet()) {
			if (!seen.containsKey(name)) {
				removed.add(name);
			}
		}
		this.looks.clear();
		this.looks.putAll(seen);
		return new ListenerChanges(changed, removed, states, connections);
	}

	private static List<ListenerStatus> statuses(List<Listener> listeners) {
		List<ListenerStatus> statuses = new ArrayList<>(listeners.size());
		for (Listener listener : listeners) {
			statuses.add(listener.status());
		}
		return statuses;
	}

	private void record(long now, List<Listener> listeners, List<ListenerStatus> statuses) {
		int samples = this.properties.historySamples();
		synchronized (this.history) {
			Map<String, History> kept = new LinkedHashMap<>();
			for (int i = 0; i < listeners.size(); i++) {
				Listener listener = listeners.get(i);
				History previous = this.history.get(listener.name());
				History current = (previous != null && previous.listener == listener) ? previous
						: new History(listener, samples);
				current.add(now, statuses.get(i));
				kept.put(listener.name(), current);
			}
			this.history.clear();
			this.history.putAll(kept);
		}
	}

	/**
	 * The {@code history} event: per listener, samples of its totals, oldest first, each
	 * {@code [time, bytesReceived, bytesSent, messagesReceived, messagesSent, active, queuedBytes]};
	 * the page turns successive samples into rates as it does with live events.
	 */
	private String historyJson() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("interval", this.properties.interval().toMillis());
		Map<String, List<long[]>> listeners = new LinkedHashMap<>();
		synchronized (this.history) {
			this.history.forEach((name, samples) -> listeners.put(name, new ArrayList<>(samples.samples)));
		}
		body.put("listeners", listeners);
		return this.json.writeValueAsString(body);
	}

	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// a failed look must not cancel the schedule: the next one tries again
				logger.warn("Console event task failed: " + ex, ex);
			}
		};
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * One listener as seen at the previous look: the object tells a re-created listener
	 * apart.
	 */
	private record Look(Listener listener, ListenerStatus status) {
	}

	/** A listener's recent figure samples, a bounded ring. */
	private static final class History {

		private final Listener listener;

		private final int capacity;

		private final Deque<long[]> samples;

		History(Listener listener, int capacity) {
			this.listener = listener;
			this.capacity = capacity;
			this.samples = new ArrayDeque<>(capacity);
		}

		void add(long now, ListenerStatus status) {
			if (this.samples.size() == this.capacity) {
				this.samples.removeFirst();
			}
			this.samples.addLast(
					new long[] { now, status.bytes().received(), status.bytes().sent(), status.messages().received(),
							status.messages().sent(), status.connections().active(), status.queue().bytes() });
		}

	}

}
