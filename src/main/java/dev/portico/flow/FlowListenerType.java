package dev.portico.flow;

import java.util.List;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.portico.listener.ListenerDefinition;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.TcpContext;
import dev.portico.tcp.TcpListenerType;
import dev.portico.tcp.TcpOptions;
import dev.portico.tcp.TcpServers;

/**
 * The {@code flow} listener type: a TCP listener whose behaviour is a Spring Integration
 * flow. Messages framed by one of Spring Integration's serializers go to the listener's
 * {@code inbound-channel}; what the flow replies is written back, framed the same way. A
 * flow listener has no well-known port: without one configured it binds any free port.
 */
@Component
@Order(5)
class FlowListenerType extends TcpListenerType {

	FlowListenerType(TcpServers tcpServers) {
		super("flow", 0, tcpServers);
	}

	@Override
	protected List<Class<? extends Record>> moreOptionTypes() {
		return List.of(FlowOptions.class);
	}

	@Override
	public String check(ListenerDefinition definition) {
		if (definition.inboundChannel() == null || definition.inboundChannel().isBlank()) {
			return "inbound-channel: a flow listener needs the name of the channel its flow subscribes to";
		}
		return null;
	}

	@Override
	protected ConnectionHandler<?> handler(ListenerDefinition definition, TcpOptions options, TcpContext tcp) {
		Framing framing = definition.options(FlowOptions.class).framing();
		return new FlowHandler(tcp, framing.serializer(options.maxMessageBytes()));
	}

}
