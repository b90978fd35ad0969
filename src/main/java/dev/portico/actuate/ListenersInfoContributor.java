package dev.portico.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;

/**
 * Adds each listener's type, bind address, bound port and state to
 * {@code /actuator/info}.
 */
@Component
class ListenersInfoContributor implements InfoContributor {

	private final ListenerRegistry registry;

	ListenersInfoContributor(ListenerRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> listeners = new LinkedHashMap<>();
		for (Listener listener : this.registry.list()) {
			Map<String, Object> info = new LinkedHashMap<>();
			info.put("type", listener.type().id());
			info.put("transport", listener.type().transport().id());
			info.put("bind", listener.definition().bind());
			info.put("port", listener.port());
			info.put("state", listener.state());
			listeners.put(listener.name(), info);
		}
		builder.withDetail("listeners", listeners);
	}

}
