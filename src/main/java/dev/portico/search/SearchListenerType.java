package dev.portico.search;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import dev.portico.listener.ErrorKind;
import dev.portico.listener.ListenerDefinition;
import dev.portico.protocol.DefaultPorts;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.TcpContext;
import dev.portico.tcp.TcpListenerType;
import dev.portico.tcp.TcpOptions;
import dev.portico.tcp.TcpServers;

/**
 * The {@code search} listener type: the length-prefixed JSON-header protocol of the
 * tutorial, answered from the {@link SearchIndex}.
 */
class SearchListenerType extends TcpListenerType {

	private final SearchIndex index;

	private final MeterRegistry meters;

	SearchListenerType(TcpServers tcpServers, SearchIndex index, MeterRegistry meters) {
		super("search", DefaultPorts.SEARCH, tcpServers);
		this.index = index;
		this.meters = meters;
	}

	@Override
	protected List<Class<? extends Record>> moreOptionTypes() {
		return List.of(SearchOptions.class);
	}

	/** A request's content may be up to 1MB by default, where a raw chunk is 64KB. */
	@Override
	public Map<String, String> defaults() {
		return Map.of("max-message-size", "1MB");
	}

	@Override
	protected Collection<? extends ErrorKind> moreErrorKinds() {
		return List.of(SearchErrorKind.values());
	}

	@Override
	protected ConnectionHandler<?> handler(ListenerDefinition definition, TcpOptions options, TcpContext tcp) {
		boolean keepAlive = definition.options(SearchOptions.class).keepAlive();
		return new SearchHandler(tcp, this.index, options.maxMessageBytes(), keepAlive, this.meters);
	}

}
