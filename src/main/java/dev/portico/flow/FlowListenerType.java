package dev.portico.flow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.portico.listener.ErrorKind;
import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerDefinition;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerType;
import dev.portico.listener.Transport;
import dev.portico.tcp.TcpErrorKind;
import dev.portico.tcp.TcpOptions;
import dev.portico.tcp.TcpServers;

/**
 * The {@code flow} listener type: a TCP listener whose behaviour is a Spring Integration
 * flow. Messages framed by one of Spring Integration's serializers go to the listener's
 * {@code inbound-channel}; what the flow replies is written back, framed the same way.
 */
@Component
@Order(5)
class FlowListenerType implements ListenerType {

	private final TcpServers tcpServers;

	FlowListenerType(TcpServers tcpServers) {
		this.tcpServers = tcpServers;
	}

	@Override
	public String id() {
		return "flow";
	}

	@Override
	public Transport transport() {
		return Transport.TCP;
	}

	/**
	 * A flow listener has no well-known port: 0 binds any free one unless one is
	 * configured.
	 */
	@Override
	public int defaultPort() {
		return 0;
	}

	@Override
	public List<Class<? extends Record>> optionTypes() {
		List<Class<? extends Record>> types = new ArrayList<>(TcpServers.OPTION_TYPES);
		types.add(FlowOptions.class);
		return types;
	}

	@Override
	public Collection<? extends ErrorKind> errorKinds() {
		return List.of(TcpErrorKind.values());
	}

	@Override
	public String check(ListenerDefinition definition) {
		if (definition.inboundChannel() == null || definition.inboundChannel().isBlank()) {
			return "inbound-channel: a flow listener needs the name of the channel its flow subscribes to";
		}
		return this.tcpServers.check(definition);
	}

	@Override
	public ListenerRuntime create(ListenerContext context) {
		TcpOptions tcp = context.definition().options(TcpOptions.class);
		Framing framing = context.definition().options(FlowOptions.class).framing();
		return this.tcpServers.server(context,
				(server) -> new FlowHandler(server, framing.serializer(tcp.maxMessageBytes())));
	}

}
