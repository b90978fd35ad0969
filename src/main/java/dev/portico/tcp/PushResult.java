package dev.portico.tcp;

/** What became of bytes pushed to one connection. */
public enum PushResult {

	/** Queued; they will be written in order with the connection's other output. */
	QUEUED,

	/** No open connection has that id. */
	NO_SUCH_CONNECTION,

	/** The connection's queue is full (its peer is not reading); nothing was queued. */
	QUEUE_FULL

}
