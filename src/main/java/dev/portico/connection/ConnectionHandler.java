package dev.portico.connection;

/** What a TCP listener type does with its connections. Called on the connection's reader thread. */
public interface ConnectionHandler {

	/** A reader for a new connection. */
	FrameReader newReader(ConnectionState connection);

	/** Handle one unit read from the connection; may block (that is backpressure on the peer). */
	void onMessage(ConnectionState connection, Object unit);

	/** The peer ended its output cleanly; runs before the connection is closed. */
	default void onEndOfStream(ConnectionState connection) {
	}

}
