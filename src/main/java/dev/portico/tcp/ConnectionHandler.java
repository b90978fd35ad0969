package dev.portico.tcp;

import java.nio.charset.StandardCharsets;

/**
 * What a TCP listener type does with its connections: it makes each connection's reader
 * and handles what the reader returns, on the connection's own thread. A handler is
 * created once per listener with the {@link TcpContext} of its server.
 *
 * @param <T> what the reader returns for one unit of input
 */
public interface ConnectionHandler<T> {

	/** A reader for a new connection. */
	FrameReader<T> newReader(ConnectionState connection);

	/**
	 * Handle one unit read from the connection; may block (that is backpressure on the
	 * peer).
	 */
	void onMessage(ConnectionState connection, T unit);

	/** The peer ended its output cleanly; runs before the connection is closed. */
	default void onEndOfStream(ConnectionState connection) {
	}

	/**
	 * Whether this handler sends what it reads to the listener's inbound channel itself;
	 * if not, the server sends every unit there (when one is configured) before handing
	 * it over.
	 */
	default boolean sendsToInboundChannel() {
		return false;
	}

	/** The bytes to write for a payload sent to the listener's outbound channel. */
	default byte[] toBytes(Object payload) {
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		if (payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		throw new IllegalArgumentException(
				"Cannot write a " + payload.getClass().getName() + ": send byte[] or String");
	}

}
