package dev.portico.actuate;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.validation.Validation;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.env.StandardEnvironment;

import dev.portico.listener.ErrorKind;
import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerDefinitions;
import dev.portico.listener.ListenerEvent;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerType;
import dev.portico.listener.ListenersProperties;
import dev.portico.listener.RejectReason;
import dev.portico.listener.TrafficStats;
import dev.portico.listener.Transport;
import dev.portico.tcp.TcpErrorKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ListenerMeters} follows listeners as they are created and deleted, every tag
 * from 0.
 */
class ListenerMetersTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private ListenerMeters meters;

	private final ListenerRegistry listeners = new ListenerRegistry(new ListenersProperties(Duration.ofSeconds(1)),
			new ListenerDefinitions(
					List.of(new IdleType("multiconn", Transport.TCP), new IdleType("echo", Transport.TCP),
							new IdleType("udp", Transport.UDP)),
					Validation.buildDefaultValidatorFactory().getValidator()),
			new StandardEnvironment(), new DefaultListableBeanFactory(),
			(event) -> this.meters.on((ListenerEvent) event));

	ListenerMetersTests() {
		this.meters = new ListenerMeters(this.listeners);
	}

	@Test
	void shouldRegisterEveryReasonAndKindAtZeroWhenAListenerIsCreatedAndFollowItsCounts() {
		this.meters.bindTo(this.registry);
		this.listeners.create("edge", Map.of("type", "multiconn", "port", 0));
		TrafficStats stats = this.listeners.get("edge").orElseThrow().stats();
		assertThat(
				this.registry.find("portico.connections.rejected").tag("reason", "draining").functionCounter().count())
			.as("known reasons start at 0")
			.isZero();
		assertThat(this.registry.get("portico.errors").tag("kind", "read").functionCounter().count())
			.as("known kinds start at 0")
			.isZero();
		stats.accepted();
		stats.rejected(RejectReason.MAX_CONNECTIONS);
		stats.rejected(RejectReason.MAX_CONNECTIONS);
		stats.error(TcpErrorKind.READ);
		assertThat(counter("portico.connections.accepted", "edge")).isEqualTo(1);
		assertThat(this.registry.get("portico.connections.rejected")
			.tag("reason", "max-connections")
			.functionCounter()
			.count()).isEqualTo(2);
		assertThat(this.registry.get("portico.errors")
			.tag("kind", "read")
			.tag("type", "multiconn")
			.functionCounter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("portico.connections.active").tag("listener", "edge").gauge().value()).isZero();
	}

	@Test
	void shouldRemoveMetersWhenListenerIsDeletedAndStartFreshWhenRecreated() {
		this.listeners.create("edge", Map.of("type", "echo", "port", 0));
		this.meters.bindTo(this.registry);
		this.listeners.get("edge").orElseThrow().stats().accepted();
		this.listeners.get("edge").orElseThrow().stats().rejected(RejectReason.MAX_CONNECTIONS);
		assertThat(counter("portico.connections.accepted", "edge")).isEqualTo(1);

		this.listeners.delete("edge");
		assertThat(this.registry.find("portico.connections.accepted").tag("listener", "edge").meters()).isEmpty();
		assertThat(this.registry.find("portico.connections.rejected").meters()).isEmpty();

		this.listeners.create("edge", Map.of("type", "udp", "port", 0));
		assertThat(counter("portico.connections.accepted", "edge")).isZero();
		assertThat(this.registry.find("portico.connections.rejected").meters()).as("UDP refuses no connections")
			.isEmpty();
		assertThat(
				this.registry.get("portico.bytes.received").tag("type", "udp").functionCounter().getId().getBaseUnit())
			.isEqualTo("bytes");
	}

	private double counter(String name, String listener) {
		FunctionCounter counter = this.registry.get(name).tag("listener", listener).functionCounter();
		return counter.count();
	}

	/** A type whose listeners never bind: these tests only read figures. */
	private record IdleType(String id, Transport transport) implements ListenerType {

		@Override
		public int defaultPort() {
			return 0;
		}

		@Override
		public Collection<? extends ErrorKind> errorKinds() {
			return List.of(TcpErrorKind.values());
		}

		@Override
		public ListenerRuntime create(ListenerContext context) {
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
