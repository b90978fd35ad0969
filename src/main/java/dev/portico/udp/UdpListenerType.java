package dev.portico.udp;

import java.util.Collection;
import java.util.List;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.portico.listener.ErrorKind;
import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerType;
import dev.portico.listener.Transport;
import dev.portico.protocol.DefaultPorts;

/** The {@code udp} listener type: datagram in, datagram back to the sender. */
@Component
@Order(4)
class UdpListenerType implements ListenerType {

	private final BeanFactory beanFactory;

	private final ApplicationEventPublisher eventPublisher;

	private final UdpSockets sockets;

	UdpListenerType(BeanFactory beanFactory, ApplicationEventPublisher eventPublisher, UdpSockets sockets) {
		this.beanFactory = beanFactory;
		this.eventPublisher = eventPublisher;
		this.sockets = sockets;
	}

	@Override
	public String id() {
		return "udp";
	}

	@Override
	public Transport transport() {
		return Transport.UDP;
	}

	@Override
	public int defaultPort() {
		return DefaultPorts.UDP;
	}

	@Override
	public List<Class<? extends Record>> optionTypes() {
		return List.of(UdpOptions.class);
	}

	@Override
	public Collection<? extends ErrorKind> errorKinds() {
		return List.of(UdpErrorKind.values());
	}

	@Override
	public ListenerRuntime create(ListenerContext context) {
		return new UdpServer(context, this.beanFactory, this.eventPublisher, this.sockets);
	}

}
