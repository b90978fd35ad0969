package dev.portico.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;

/**
 * The {@code listeners} health component: DOWN when a listener that should run could not
 * bind (FAILED), naming the cause; a listener stopped by an operator is not a fault. It
 * belongs in the readiness group (do not send traffic to a replica missing a port) but
 * not in liveness (restarting does not free a port another process holds).
 */
@Component
class ListenersHealthIndicator extends AbstractHealthIndicator {

	private final ListenerRegistry registry;

	ListenersHealthIndicator(ListenerRegistry registry) {
		super("Listeners health check failed");
		this.registry = registry;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> failures = new ArrayList<>();
		for (Listener listener : this.registry.list()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("type", listener.type().id());
			detail.put("state", listener.state());
			detail.put("port", listener.port());
			if (listener.state() == ListenerState.FAILED) {
				detail.put("failure", listener.failure());
				failures.add("Listener '" + listener.name() + "': " + listener.failure());
			}
			builder.withDetail(listener.name(), detail);
		}
		if (failures.isEmpty()) {
			builder.up();
		}
		else {
			builder.down().withDetail("cause", String.join("; ", failures));
		}
	}

}
