package dev.portico.tcp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.portico.listener.ErrorKind;
import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerDefinition;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerType;
import dev.portico.listener.Transport;

/**
 * What every TCP listener type has in common: the {@link TcpOptions} keys, the TCP error
 * kinds, and a {@link TcpServer} around the type's own {@link ConnectionHandler}. A TCP
 * type names itself and makes its handler.
 */
public abstract class TcpListenerType implements ListenerType {

	private final String id;

	private final int defaultPort;

	private final TcpServers servers;

	protected TcpListenerType(String id, int defaultPort, TcpServers servers) {
		this.id = id;
		this.defaultPort = defaultPort;
		this.servers = servers;
	}

	@Override
	public final String id() {
		return this.id;
	}

	@Override
	public final Transport transport() {
		return Transport.TCP;
	}

	@Override
	public final int defaultPort() {
		return this.defaultPort;
	}

	@Override
	public final List<Class<? extends Record>> optionTypes() {
		List<Class<? extends Record>> types = new ArrayList<>();
		types.add(TcpOptions.class);
		types.addAll(moreOptionTypes());
		return types;
	}

	@Override
	public final Collection<? extends ErrorKind> errorKinds() {
		List<ErrorKind> kinds = new ArrayList<>(List.of(TcpErrorKind.values()));
		kinds.addAll(moreErrorKinds());
		return kinds;
	}

	@Override
	public final ListenerRuntime create(ListenerContext context) {
		ListenerDefinition definition = context.definition();
		return this.servers.server(context, (tcp) -> handler(definition, definition.options(TcpOptions.class), tcp));
	}

	/** Option records of this type besides {@link TcpOptions}. */
	protected List<Class<? extends Record>> moreOptionTypes() {
		return List.of();
	}

	/** Error kinds of this type besides {@link TcpErrorKind}. */
	protected Collection<? extends ErrorKind> moreErrorKinds() {
		return List.of();
	}

	/**
	 * The handler of one listener, given its definition, its TCP options and its server's
	 * context.
	 */
	protected abstract ConnectionHandler<?> handler(ListenerDefinition definition, TcpOptions options, TcpContext tcp);

}
