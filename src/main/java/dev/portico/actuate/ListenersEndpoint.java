package dev.portico.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.listener.ListenerStatus;

/**
 * The {@code listeners} Actuator endpoint, shaped like {@code loggers}: all listeners or
 * one, with state, connection counts and queue sizes. It is read-only: listeners are
 * changed through the REST API ({@code /api/listeners}), the one control plane, with one
 * error shape.
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

}
