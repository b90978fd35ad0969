package dev.portico.listener;

/** Server-initiated messages, for listener types that queue output (multiconn). */
public interface MessagePush {

	/** What became of a message queued to one connection. */
	enum Result {

		/** Queued; it will be written in order with the connection's other output. */
		QUEUED,

		/** No open connection has that id. */
		NO_SUCH_CONNECTION,

		/** The connection's queue is full (its peer is not reading); nothing was queued. */
		QUEUE_FULL

	}

	/** Queue bytes to one connection. */
	Result push(String connectionId, byte[] bytes);

	/** Queue bytes to every open connection. */
	Broadcast broadcast(byte[] bytes);

	/**
	 * Outcome of a broadcast.
	 * @param queued connections that got the message queued
	 * @param full connections skipped because their queue was full
	 */
	record Broadcast(int queued, int full) {
	}

}
