package dev.portico.search;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

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
 * The {@code search} listener type: the length-prefixed JSON-header protocol of the
 * tutorial, answered from the {@link SearchIndex}.
 */
class SearchListenerType implements ListenerType {

	private final TcpServers tcpServers;

	private final SearchIndex index;

	private final MeterRegistry meters;

	SearchListenerType(TcpServers tcpServers, SearchIndex index, MeterRegistry meters) {
		this.tcpServers = tcpServers;
		this.index = index;
		this.meters = meters;
	}

	@Override
	public String id() {
		return "search";
	}

	@Override
	public Transport transport() {
		return Transport.TCP;
	}

	@Override
	public int defaultPort() {
		return DefaultPorts.SEARCH;
	}

	@Override
	public List<Class<? extends Record>> optionTypes() {
		List<Class<? extends Record>> types = new ArrayList<>(TcpServers.OPTION_TYPES);
		types.add(SearchOptions.class);
		return types;
	}

	@Override
	public String check(ListenerDefinition definition) {
		return this.tcpServers.check(definition);
	}

	/** A request's content may be up to 1MB by default, where a raw chunk is 64KB. */
	@Override
	public Map<String, String> defaults() {
		return Map.of("max-message-size", "1MB");
	}

	@Override
	public Collection<? extends ErrorKind> errorKinds() {
		List<ErrorKind> kinds = new ArrayList<>(List.of(TcpErrorKind.values()));
		kinds.addAll(List.of(SearchErrorKind.values()));
		return kinds;
	}

	@Override
	public ListenerRuntime create(ListenerContext context) {
		TcpOptions tcp = context.definition().options(TcpOptions.class);
		boolean keepAlive = context.definition().options(SearchOptions.class).keepAlive();
		return this.tcpServers.server(context,
				(server) -> new SearchHandler(server, this.index, tcp.maxMessageBytes(), keepAlive, this.meters));
	}

}
