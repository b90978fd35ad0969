package dev.portico.multiconn;

import org.springframework.stereotype.Component;

import dev.portico.connection.TrafficStats;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerRuntimeProvider;
import dev.portico.listener.ListenerType;
import dev.portico.listener.TcpListeners;

/** Creates multiconn listeners. */
@Component
class MulticonnListenerProvider implements ListenerRuntimeProvider {

	private final TcpListeners tcpListeners;

	MulticonnListenerProvider(TcpListeners tcpListeners) {
		this.tcpListeners = tcpListeners;
	}

	@Override
	public ListenerType type() {
		return ListenerType.MULTICONN;
	}

	@Override
	public ListenerRuntime create(String name, ListenerProperties properties, TrafficStats stats) {
		MulticonnHandler multiconn = new MulticonnHandler(properties.maxMessageBytes(), properties.writeTimeout());
		return this.tcpListeners.runtime(multiconn.bind(this.tcpListeners.server(name, properties, multiconn, stats)),
				multiconn);
	}

}
