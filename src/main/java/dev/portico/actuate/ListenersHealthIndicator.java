package dev.portico.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;

/**
 * The {@code listeners} health component, one child per listener: DOWN when a listener
 * that should run could not bind (FAILED); a listener stopped by an operator is not a
 * fault. Each child's status carries the listener's state as its description, which
 * anonymous callers see (health shows details only to authenticated ones); its type, port
 * and failure are details. It belongs in the readiness group (do not send traffic to a
 * replica missing a port) but not in liveness (restarting does not free a port another
 * process holds).
 */
@Component("listeners")
class ListenersHealthIndicator implements CompositeHealthContributor {

	private final ListenerRegistry registry;

	ListenersHealthIndicator(ListenerRegistry registry) {
		this.registry = registry;
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.registry.get(name).map(ListenersHealthIndicator::indicator).orElse(null);
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		return this.registry.list()
			.stream()
			.map((listener) -> new HealthContributors.Entry(listener.name(), indicator(listener)));
	}

	private static HealthIndicator indicator(Listener listener) {
		return () -> {
			ListenerState state = listener.state();
			Status status = new Status((state == ListenerState.FAILED) ? Status.DOWN.getCode() : Status.UP.getCode(),
					state.name());
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("type", listener.type().id());
			details.put("port", listener.port());
			if (state == ListenerState.FAILED) {
				details.put("failure", listener.failure());
			}
			return Health.status(status).withDetails(details).build();
		};
	}

}
