package dev.portico.udp;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import dev.portico.connection.TrafficStats;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerRuntimeProvider;
import dev.portico.listener.ListenerType;

/** Creates UDP listeners. */
@Component
class UdpListenerProvider implements ListenerRuntimeProvider {

	private final BeanFactory beanFactory;

	private final ApplicationEventPublisher eventPublisher;

	UdpListenerProvider(BeanFactory beanFactory, ApplicationEventPublisher eventPublisher) {
		this.beanFactory = beanFactory;
		this.eventPublisher = eventPublisher;
	}

	@Override
	public ListenerType type() {
		return ListenerType.UDP;
	}

	@Override
	public ListenerRuntime create(String name, ListenerProperties properties, TrafficStats stats) {
		return new UdpServer(name, properties, stats, this.beanFactory, this.eventPublisher);
	}

}
