package dev.portico.tcp;

import java.nio.charset.StandardCharsets;

/**
 * What a TCP listener type does with its connections: it makes each connection's reader
 * (or decoder) and handles what it returns, on the thread serving the connection: the
 * connection's own thread on the threaded engine, an event-loop thread on the event-loop
 * engine (see {@link TcpEngine}). A handler is created once per listener with the
 * {@link TcpContext} of its server.
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

	/**
	 * Whether this handler can serve its connections on an event loop: it gives a
	 * {@link #newDecoder decoder}, and {@link #onMessage} never blocks (it writes with
	 * {@link ConnectionState#write} or {@link ConnectionState#queueOrClose}, which only
	 * queue on that engine). Handlers that read by blocking keep their listeners on
	 * threads.
	 */
	default boolean runsOnEventLoop() {
		return false;
	}

	/** A decoder for a new connection served on an event loop. */
	default FrameDecoder<T> newDecoder(ConnectionState connection) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " reads only by blocking");
	}

	/**
	 * The peer ended its output cleanly; runs before the connection is closed, on the
	 * threaded engine only: an event loop always writes what is queued before it closes a
	 * connection whose peer ended its output.
	 */
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
