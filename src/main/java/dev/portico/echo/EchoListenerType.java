package dev.portico.echo;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.portico.listener.ListenerDefinition;
import dev.portico.protocol.DefaultPorts;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.TcpContext;
import dev.portico.tcp.TcpListenerType;
import dev.portico.tcp.TcpOptions;
import dev.portico.tcp.TcpServers;

/** The {@code echo} listener type: every chunk of bytes written back as it arrives. */
@Component
@Order(1)
class EchoListenerType extends TcpListenerType {

	EchoListenerType(TcpServers tcpServers) {
		super("echo", DefaultPorts.ECHO, tcpServers);
	}

	@Override
	protected ConnectionHandler<?> handler(ListenerDefinition definition, TcpOptions options, TcpContext tcp) {
		return new EchoHandler(options.maxMessageBytes());
	}

}
