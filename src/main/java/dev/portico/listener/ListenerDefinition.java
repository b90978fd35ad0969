package dev.portico.listener;

import java.util.Map;

/**
 * One listener's definition, bound from {@code portico.listeners.<name>.*} or from the
 * body of {@code POST /api/listeners}: the common keys, and the type's own option
 * records.
 *
 * @param name the listener's name: 1 to 40 lower-case letters, digits and dashes
 * @param type its type
 * @param port the port to bind, 0 for any free port; default per type
 * @param bind the address to bind, an IP literal; default {@code 0.0.0.0}
 * @param autostart whether to start it with the service (or on creation through the API)
 * @param inboundChannel the name of a {@code MessageChannel} bean that receives a copy of
 * every message read, or null
 * @param outboundChannel the name of a {@code SubscribableChannel} bean whose messages
 * are written to the connection named by their {@code ip_connectionId} header, or null
 * @param options the type's option records, by record type
 */
public record ListenerDefinition(String name, ListenerType type, int port, String bind, boolean autostart,
		String inboundChannel, String outboundChannel, Map<Class<?>, Object> options) {

	public ListenerDefinition {
		options = Map.copyOf(options);
	}

	/** One of the type's option records. */
	public <T> T options(Class<T> optionType) {
		Object value = this.options.get(optionType);
		if (value == null) {
			throw new IllegalArgumentException(
					"Listener type '" + this.type.id() + "' has no options of type " + optionType.getSimpleName());
		}
		return optionType.cast(value);
	}

	/** {@code port/transport}, as logs and problems say it. */
	public String portAndTransport() {
		return this.port + "/" + this.type.transport().id();
	}

}
