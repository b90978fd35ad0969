package dev.portico.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.portico.connection.ConnectionState;
import dev.portico.connection.TrafficStats;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;

/**
 * Registers each listener's meters, tagged {@code listener} and {@code type}. Counters are
 * {@link FunctionCounter}s over the listener's monotonic {@link TrafficStats} and gauges read
 * open connections live, so a meter registered late still reports the exact total.
 *
 * <p>Listeners come and go at runtime and new rejection reasons and error kinds appear with
 * traffic, so the binder reconciles every {@link #REFRESH_SECONDS} second (and once the context
 * has started the configured listeners): meters of new listeners, reasons and kinds are added,
 * meters of deleted listeners removed. A listener deleted and re-created under the same name
 * gets fresh meters: its counters restart from zero, which Prometheus reads as a counter reset.
 */
@Component
class ListenerMeters implements MeterBinder, DisposableBean {

	static final long REFRESH_SECONDS = 1;

	/**
	 * Reasons TCP listeners refuse connections for, registered at 0 up front: a series that
	 * first appears at 1 loses that first increment to {@code rate()} and {@code increase()}.
	 */
	static final List<String> KNOWN_REJECT_REASONS = List.of("max-connections", "max-connections-per-ip", "draining");

	private static final Log logger = LogFactory.getLog(ListenerMeters.class);

	private final ListenerRegistry listeners;

	private final ScheduledExecutorService scheduler;

	private final List<Registration> registrations = new CopyOnWriteArrayList<>();

	private ScheduledFuture<?> refresher;

	ListenerMeters(ListenerRegistry listeners, ScheduledExecutorService porticoScheduler) {
		this.listeners = listeners;
		this.scheduler = porticoScheduler;
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registrations.add(new Registration(registry));
		refresh();
		if (this.refresher == null) {
			this.refresher = this.scheduler.scheduleWithFixedDelay(this::refreshQuietly, REFRESH_SECONDS,
					REFRESH_SECONDS, TimeUnit.SECONDS);
		}
	}

	@EventListener(ContextRefreshedEvent.class)
	void onStarted() {
		refresh();
	}

	/** Bring the registered meters in line with the listeners that exist now. */
	synchronized void refresh() {
		List<Listener> now = this.listeners.list();
		for (Registration registration : this.registrations) {
			registration.reconcile(now);
		}
	}

	@Override
	public synchronized void destroy() {
		if (this.refresher != null) {
			this.refresher.cancel(false);
		}
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not refresh listener meters: " + ex.getMessage(), ex);
		}
	}

	/** The meters registered in one registry, by listener (identity: a re-created listener is new). */
	private static final class Registration {

		private final MeterRegistry registry;

		private final Map<Listener, ListenerMeterSet> bound = new IdentityHashMap<>();

		Registration(MeterRegistry registry) {
			this.registry = registry;
		}

		void reconcile(List<Listener> now) {
			Set<Listener> live = Collections.newSetFromMap(new IdentityHashMap<>());
			live.addAll(now);
			// remove first, so a listener re-created under the same name does not meet its predecessor's meters
			for (Listener gone : new ArrayList<>(this.bound.keySet())) {
				if (!live.contains(gone)) {
					this.bound.remove(gone).meters.forEach(this.registry::remove);
				}
			}
			for (Listener listener : now) {
				this.bound.computeIfAbsent(listener, (key) -> new ListenerMeterSet(this.registry, key)).addNewTags();
			}
		}

	}

	/** One listener's meters. */
	private static final class ListenerMeterSet {

		private final MeterRegistry registry;

		private final Listener listener;

		private final Tags tags;

		private final List<Meter> meters = new ArrayList<>();

		private final Set<String> reasons = new HashSet<>();

		private final Set<String> kinds = new HashSet<>();

		ListenerMeterSet(MeterRegistry registry, Listener listener) {
			this.registry = registry;
			this.listener = listener;
			this.tags = Tags.of("listener", listener.name(), "type", listener.type().id());
			TrafficStats stats = listener.stats();
			gauge("portico.connections.active", "Open connections", null, (l) -> l.connections().size());
			counter("portico.connections.accepted", "Connections accepted", null, stats, TrafficStats::acceptedTotal);
			counter("portico.bytes.received", "Bytes received", BaseUnits.BYTES, stats, TrafficStats::bytesReceived);
			counter("portico.bytes.sent", "Bytes sent", BaseUnits.BYTES, stats, TrafficStats::bytesSent);
			counter("portico.messages.received", "Chunks, frames or datagrams received", null, stats,
					TrafficStats::messagesReceived);
			counter("portico.messages.sent", "Chunks, frames or datagrams sent", null, stats,
					TrafficStats::messagesSent);
			gauge("portico.queue.bytes", "Bytes waiting to be written, over open connections", BaseUnits.BYTES,
					(l) -> sum(l, true));
			gauge("portico.queue.messages", "Messages waiting to be written, over open connections", null,
					(l) -> sum(l, false));
		}

		/** Register counters for rejection reasons and error kinds seen since the last refresh. */
		void addNewTags() {
			TrafficStats stats = this.listener.stats();
			Set<String> seen = new TreeSet<>(stats.rejectedByReason().keySet());
			if ("tcp".equals(this.listener.type().transport())) {
				seen.addAll(KNOWN_REJECT_REASONS);
			}
			for (String reason : seen) {
				if (this.reasons.add(reason)) {
					this.meters.add(FunctionCounter
						.builder("portico.connections.rejected", stats,
								(s) -> s.rejectedByReason().getOrDefault(reason, 0L))
						.description("Connections refused at accept")
						.tags(this.tags)
						.tag("reason", reason)
						.register(this.registry));
				}
			}
			for (String kind : stats.errorsByKind().keySet()) {
				if (this.kinds.add(kind)) {
					this.meters.add(FunctionCounter
						.builder("portico.errors", stats, (s) -> s.errorsByKind().getOrDefault(kind, 0L))
						.description("Errors, by kind")
						.tags(this.tags)
						.tag("kind", kind)
						.register(this.registry));
				}
			}
		}

		private void gauge(String name, String description, String baseUnit, ToDoubleFunction<Listener> value) {
			this.meters.add(Gauge.builder(name, this.listener, value)
				.description(description)
				.baseUnit(baseUnit)
				.tags(this.tags)
				.strongReference(true)
				.register(this.registry));
		}

		private void counter(String name, String description, String baseUnit, TrafficStats stats,
				ToDoubleFunction<TrafficStats> value) {
			this.meters.add(FunctionCounter.builder(name, stats, value)
				.description(description)
				.baseUnit(baseUnit)
				.tags(this.tags)
				.register(this.registry));
		}

		private static double sum(Listener listener, boolean bytes) {
			long total = 0;
			for (ConnectionState connection : listener.connections()) {
				total += bytes ? connection.queue().bytes() : connection.queue().messages();
			}
			return total;
		}

	}

}
