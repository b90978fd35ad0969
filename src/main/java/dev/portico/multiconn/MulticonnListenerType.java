package dev.portico.multiconn;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.portico.listener.ListenerDefinition;
import dev.portico.protocol.DefaultPorts;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.TcpContext;
import dev.portico.tcp.TcpListenerType;
import dev.portico.tcp.TcpOptions;
import dev.portico.tcp.TcpServers;

/**
 * The {@code multiconn} listener type: echo through bounded per-connection queues, plus
 * server-initiated messages to one connection or all ({@link MulticonnController}).
 */
@Component
@Order(2)
class MulticonnListenerType extends TcpListenerType {

	MulticonnListenerType(TcpServers tcpServers) {
		super("multiconn", DefaultPorts.MULTICONN, tcpServers);
	}

	@Override
	protected ConnectionHandler<?> handler(ListenerDefinition definition, TcpOptions options, TcpContext tcp) {
		return new MulticonnHandler(options.maxMessageBytes(), options.writeTimeout());
	}

}
