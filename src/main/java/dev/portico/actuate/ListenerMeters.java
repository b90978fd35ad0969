package dev.portico.actuate;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.portico.listener.ErrorKind;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerEvent;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.RejectReason;
import dev.portico.listener.TrafficStats;

/**
 * Registers each listener's meters, tagged {@code listener} and {@code type}, when it is
 * created, and removes them when it is deleted. Counters are {@link FunctionCounter}s
 * over the listener's monotonic {@link TrafficStats} and gauges read open connections
 * live, so every figure is exact whenever it is scraped. Every rejection reason and error
 * kind the listener's type can count has its series from the start, at 0: a series that
 * first appeared at 1 would lose that first increment to {@code rate()} and
 * {@code increase()}. A listener deleted and re-created under the same name gets fresh
 * meters: its counters restart from zero, which Prometheus reads as a reset.
 */
@Component
class ListenerMeters implements MeterBinder {

	private final ListenerRegistry listeners;

	private final List<MeterRegistry> registries = new ArrayList<>();

	/**
	 * The meters of each listener (identity: a re-created listener is another object).
	 */
	private final Map<Listener, List<Registered>> bound = new IdentityHashMap<>();

	ListenerMeters(ListenerRegistry listeners) {
		this.listeners = listeners;
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		for (Listener listener : this.listeners.list()) {
			register(listener, registry);
		}
	}

	@EventListener
	synchronized void on(ListenerEvent event) {
		if (event instanceof ListenerEvent.Created created) {
			this.registries.forEach((registry) -> register(created.listener(), registry));
		}
		else if (event instanceof ListenerEvent.Deleted deleted) {
			List<Registered> meters = this.bound.remove(deleted.listener());
			if (meters != null) {
				meters.forEach((registered) -> registered.registry().remove(registered.meter()));
			}
		}
	}

	private void register(Listener listener, MeterRegistry registry) {
		List<Registered> meters = this.bound.computeIfAbsent(listener, (key) -> new ArrayList<>());
		if (meters.stream().anyMatch((registered) -> registered.registry() == registry)) {
			return;
		}
		Tags tags = Tags.of("listener", listener.name(), "type", listener.type().id());
		TrafficStats stats = listener.stats();
		MeterSet set = new MeterSet(registry, tags, meters);
		set.gauge("portico.connections.active", "Open connections", null, listener, (l) -> l.connections().size());
		set.counter("portico.connections.accepted", "Connections accepted", null, stats, TrafficStats::acceptedTotal);
		set.counter("portico.bytes.received", "Bytes received", BaseUnits.BYTES, stats, TrafficStats::bytesReceived);
		set.counter("portico.bytes.sent", "Bytes sent", BaseUnits.BYTES, stats, TrafficStats::bytesSent);
		set.counter("portico.messages.received", "Chunks, frames or datagrams received", null, stats,
				TrafficStats::messagesReceived);
		set.counter("portico.messages.sent", "Chunks, frames or datagrams sent", null, stats,
				TrafficStats::messagesSent);
		set.gauge("portico.queue.bytes", "Bytes waiting to be written, over open connections", BaseUnits.BYTES,
				listener, (l) -> l.queued().bytes());
		set.gauge("portico.queue.messages", "Messages waiting to be written, over open connections", null, listener,
				(l) -> l.queued().messages());
		for (RejectReason reason : listener.type().rejectReasons()) {
			String tag = reason.tag();
			meters.add(new Registered(registry,
					FunctionCounter.builder("portico.connections.rejected", stats, (s) -> s.rejected(tag))
						.description("Connections refused at accept")
						.tags(tags)
						.tag("reason", tag)
						.register(registry)));
		}
		for (ErrorKind kind : listener.type().errorKinds()) {
			String tag = kind.tag();
			meters.add(new Registered(registry,
					FunctionCounter.builder("portico.errors", stats, (s) -> s.errors(tag))
						.description("Errors, by kind")
						.tags(tags)
						.tag("kind", tag)
						.register(registry)));
		}
	}

	/** A meter and the registry it is in. */
	private record Registered(MeterRegistry registry, Meter meter) {
	}

	/** Registers one listener's meters in one registry. */
	private record MeterSet(MeterRegistry registry, Tags tags, List<Registered> meters) {

		<T> void gauge(String name, String description, String baseUnit, T source, ToDoubleFunction<T> value) {
			this.meters.add(new Registered(this.registry,
					Gauge.builder(name, source, value)
						.description(description)
						.baseUnit(baseUnit)
						.tags(this.tags)
						.strongReference(true)
						.register(this.registry)));
		}

		void counter(String name, String description, String baseUnit, TrafficStats stats,
				ToDoubleFunction<TrafficStats> value) {
			this.meters.add(new Registered(this.registry,
					FunctionCounter.builder(name, stats, value)
						.description(description)
						.baseUnit(baseUnit)
						.tags(this.tags)
						.register(this.registry)));
		}

	}

}
