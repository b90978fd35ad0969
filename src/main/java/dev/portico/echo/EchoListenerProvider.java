package dev.portico.echo;

import org.springframework.stereotype.Component;

import dev.portico.connection.TrafficStats;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerRuntimeProvider;
import dev.portico.listener.ListenerType;
import dev.portico.listener.TcpListeners;

/** Creates echo listeners. */
@Component
class EchoListenerProvider implements ListenerRuntimeProvider {

	private final TcpListeners tcpListeners;

	EchoListenerProvider(TcpListeners tcpListeners) {
		this.tcpListeners = tcpListeners;
	}

	@Override
	public ListenerType type() {
		return ListenerType.ECHO;
	}

	@Override
	public ListenerRuntime create(String name, ListenerProperties properties, TrafficStats stats) {
		EchoHandler handler = new EchoHandler(properties.maxMessageBytes());
		return this.tcpListeners.runtime(this.tcpListeners.server(name, properties, handler, stats));
	}

}
