package dev.portico.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerState;
import dev.portico.listener.ListenerStatus;

/**
 * The {@code listeners} Actuator endpoint, shaped like {@code loggers}: read all or one, and
 * start or stop one by posting {@code {"state": "RUNNING"}} or {@code {"state": "STOPPED"}}.
 */
@Component
@Endpoint(id = "listeners")
public class ListenersEndpoint {

	private final ListenerRegistry registry;

	ListenersEndpoint(ListenerRegistry registry) {
		this.registry = registry;
	}

	@ReadOperation
	public Map<String, Map<String, ListenerStatus>> listeners() {
		Map<String, ListenerStatus> listeners = new LinkedHashMap<>();
		for (Listener listener : this.registry.list()) {
			listeners.put(listener.name(), listener.status());
		}
		return Map.of("listeners", listeners);
	}

	@ReadOperation
	public WebEndpointResponse<ListenerStatus> listener(@Selector String name) {
		return this.registry.get(name)
			.map((listener) -> new WebEndpointResponse<>(listener.status()))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/** Start ({@code RUNNING}) or stop ({@code STOPPED}) a listener; idempotent. */
	@WriteOperation
	public WebEndpointResponse<Object> configureState(@Selector String name, ListenerState state) {
		ListenerOutcome outcome = switch (state) {
			case RUNNING -> this.registry.start(name);
			case STOPPED -> this.registry.stop(name);
			case FAILED -> null;
		};
		if (outcome == null) {
			return new WebEndpointResponse<>(Map.of("error", "Use state RUNNING or STOPPED"),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		return switch (outcome.result()) {
			case NOT_FOUND -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
			case BIND_FAILED -> new WebEndpointResponse<>(
					Map.of("error", outcome.detail(), "listener", outcome.listener().status()), 409);
			default -> new WebEndpointResponse<>(outcome.listener().status());
		};
	}

}
