package dev.portico.listener;

/** The four kinds of listener, with their default names' ports. */
public enum ListenerType {

	/** TCP, writes back every chunk as it arrives. */
	ECHO("tcp", 65432),

	/** TCP, echoes through a per-connection outbound queue and pushes server-initiated messages. */
	MULTICONN("tcp", 65433),

	/** TCP, the length-prefixed JSON-header search protocol. */
	SEARCH("tcp", 65434),

	/** UDP, datagram in, datagram back to the sender. */
	UDP("udp", 65435);

	private final String transport;

	private final int defaultPort;

	ListenerType(String transport, int defaultPort) {
		this.transport = transport;
		this.defaultPort = defaultPort;
	}

	/** {@code tcp} or {@code udp}. */
	public String transport() {
		return this.transport;
	}

	public int defaultPort() {
		return this.defaultPort;
	}

	/** The lower-case name used in configuration, JSON and meter tags. */
	public String id() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
