package dev.portico.echo;

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

/** The {@code echo} listener type: every chunk of bytes written back as it arrives. */
@Component
@Order(1)
class EchoListenerType implements ListenerType {

	private final TcpServers tcpServers;

	EchoListenerType(TcpServers tcpServers) {
		this.tcpServers = tcpServers;
	}

	@Override
	public String id() {
		return "echo";
	}

	@Override
	public Transport transport() {
		return Transport.TCP;
	}

	@Override
	public int defaultPort() {
		return DefaultPorts.ECHO;
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
		int maxChunk = context.definition().options(TcpOptions.class).maxMessageBytes();
		return this.tcpServers.server(context, (tcp) -> new EchoHandler(maxChunk));
	}

}
