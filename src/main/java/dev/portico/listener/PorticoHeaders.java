package dev.portico.listener;

/**
 * Headers Portico sets on the messages a listener sends to its inbound channel, beside
 * Spring Integration's {@code IpHeaders} (connection id, remote address and port).
 */
public final class PorticoHeaders {

	/** The name of the listener that read the message. */
	public static final String LISTENER = "portico_listener";

	private PorticoHeaders() {
	}

}
