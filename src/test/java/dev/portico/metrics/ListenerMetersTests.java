package dev.portico.metrics;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.validation.Validation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.portico.connection.TrafficStats;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerRuntimeProvider;
import dev.portico.listener.ListenerType;
import dev.portico.listener.ListenersProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ListenerMeters} follows listeners, reasons and kinds as they appear and go. */
class ListenerMetersTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final ListenerRegistry listeners = new ListenerRegistry(new ListenersProperties(Map.of(), null, null, null),
			Arrays.stream(ListenerType.values()).<ListenerRuntimeProvider>map(IdleProvider::new).toList(), Validation.buildDefaultValidatorFactory().getValidator());

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ListenerMeters meters = new ListenerMeters(this.listeners, this.scheduler);

	@AfterEach
	void stop() {
		this.meters.destroy();
		this.scheduler.shutdownNow();
	}

	@Test
	void shouldRegisterNewReasonsAndKindsWithTheirFullCountsWhenTheyAppear() {
		this.meters.bindTo(this.registry);
		this.listeners.create("edge", ListenerProperties.of(ListenerType.MULTICONN, 0));
		this.meters.refresh();
		TrafficStats stats = this.listeners.get("edge").orElseThrow().stats();
		stats.accepted();
		stats.rejected("max-connections");
		stats.rejected("max-connections");
		stats.error("read");
		assertThat(this.registry.find("portico.connections.rejected").tag("reason", "draining").functionCounter()
			.count()).as("known reasons start at 0").isZero();
		assertThat(this.registry.find("portico.errors").meters()).isEmpty();
		this.meters.refresh();
		assertThat(counter("portico.connections.accepted", "edge")).isEqualTo(1);
		assertThat(this.registry.get("portico.connections.rejected").tag("reason", "max-connections")
			.functionCounter().count()).isEqualTo(2);
		assertThat(this.registry.get("portico.errors").tag("kind", "read").tag("type", "multiconn")
			.functionCounter().count()).isEqualTo(1);
		assertThat(this.registry.get("portico.connections.active").tag("listener", "edge").gauge().value()).isZero();
	}

	@Test
	void shouldRemoveMetersWhenListenerIsDeletedAndStartFreshWhenRecreated() {
		this.listeners.create("edge", ListenerProperties.of(ListenerType.ECHO, 0));
		this.meters.bindTo(this.registry);
		this.listeners.get("edge").orElseThrow().stats().accepted();
		this.listeners.get("edge").orElseThrow().stats().rejected("max-connections");
		this.meters.refresh();
		assertThat(counter("portico.connections.accepted", "edge")).isEqualTo(1);

		this.listeners.delete("edge");
		this.meters.refresh();
		assertThat(this.registry.find("portico.connections.accepted").tag("listener", "edge").meters()).isEmpty();
		assertThat(this.registry.find("portico.connections.rejected").meters()).isEmpty();

		this.listeners.create("edge", ListenerProperties.of(ListenerType.UDP, 0));
		this.meters.refresh();
		assertThat(counter("portico.connections.accepted", "edge")).isZero();
		assertThat(this.registry.find("portico.connections.rejected").meters()).as("UDP refuses no connections")
			.isEmpty();
		assertThat(this.registry.get("portico.bytes.received").tag("type", "udp").functionCounter().getId()
			.getBaseUnit()).isEqualTo("bytes");
	}

	private double counter(String name, String listener) {
		FunctionCounter counter = this.registry.get(name).tag("listener", listener).functionCounter();
		return counter.count();
	}

	/** A runtime that never binds: these tests only read figures. */
	private static final class IdleProvider implements ListenerRuntimeProvider {

		private final ListenerType type;

		IdleProvider(ListenerType type) {
			this.type = type;
		}

		@Override
		public ListenerType type() {
			return this.type;
		}

		@Override
		public ListenerRuntime create(String name, ListenerProperties properties, TrafficStats stats) {
			return new ListenerRuntime() {

				@Override
				public int start() {
					return 0;
				}

				@Override
				public void stop() {
				}

			};
		}

	}

}
