package dev.portico.listener;

import java.time.Instant;

/**
 * One open connection of a listener, as the API and meters see it; its figures are live.
 */
public interface ListenerConnection {

	/** The connection id, unique within the service. */
	String id();

	/** The peer's address and port, {@code host:port}. */
	String remoteAddress();

	/** When it was accepted. */
	Instant openedAt();

	/** Bytes received from the peer. */
	long bytesIn();

	/** Bytes written to the peer. */
	long bytesOut();

	/** Bytes waiting to be written to it. */
	long queuedBytes();

	/** Messages waiting to be written to it. */
	long queuedMessages();

}
