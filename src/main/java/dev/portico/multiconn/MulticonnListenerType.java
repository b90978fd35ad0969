package dev.portico.multiconn;

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
import dev.portico.protocol.DefaultPorts;
import dev.portico.tcp.TcpErrorKind;
import dev.portico.tcp.TcpOptions;
import dev.portico.tcp.TcpServers;

/**
 * The {@code multiconn} listener type: echo through bounded per-connection queues, plus
 * server-initiated messages to one connection or all ({@link MulticonnController}).
 */
@Component
@Order(2)
class MulticonnListenerType implements ListenerType {

	static final String ID = "multiconn";

	private final TcpServers tcpServers;

	MulticonnListenerType(TcpServers tcpServers) {
		this.tcpServers = tcpServers;
	}

	@Override
	public String id() {
		return ID;
	}

	@Override
	public Transport transport() {
		return Transport.TCP;
	}

	@Override
	public int defaultPort() {
		return DefaultPorts.MULTICONN;
	}

	@Override
	public List<Class<? extends Record>> optionTypes() {
		return TcpServers.OPTION_TYPES;
	}

	@Override
	public String check(ListenerDefinition definition) {
		return this.tcpServers.check(definition);
	}

	@Override
	public Collection<? extends ErrorKind> errorKinds() {
		return List.of(TcpErrorKind.values());
	}

	@Override
	public ListenerRuntime create(ListenerContext context) {
		TcpOptions options = context.definition().options(TcpOptions.class);
		return this.tcpServers.server(context,
				(tcp) -> new MulticonnHandler(options.maxMessageBytes(), options.writeTimeout()));
	}

}
