package dev.portico.listener;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The running part of one listener: sockets and threads, created by its
 * {@link ListenerType}.
 */
public interface ListenerRuntime {

	/**
	 * Bind and serve. Called only while stopped.
	 * @return the bound port
	 * @throws IOException if the address cannot be bound
	 */
	int start() throws IOException;

	/**
	 * Stop serving and close every connection; releases everything even after a failed
	 * start.
	 */
	void stop();

	/** Stop accepting new connections, leaving open ones to finish (graceful drain). */
	default void stopAccepting() {
	}

	/**
	 * Wait until what is queued for open connections has been written, or the deadline
	 * passes (the second step of a graceful drain, after {@link #stopAccepting()}).
	 * @param deadlineNanos a {@link System#nanoTime()} value
	 */
	default void awaitDrained(long deadlineNanos) throws InterruptedException {
	}

	/** Open connections, live; empty for datagram listeners. */
	default Collection<? extends ListenerConnection> connections() {
		return List.of();
	}

	/** One open connection. */
	default Optional<? extends ListenerConnection> connection(String id) {
		return Optional.empty();
	}

	/** Close one connection at an operator's request; false if it is not open. */
	default boolean closeConnection(String id) {
		return false;
	}

	/** Its TLS settings, or {@code null} when it serves no TLS. */
	default ListenerStatus.Tls tls() {
		return null;
	}

	/** Its PROXY protocol settings, or {@code null} when it reads no PROXY header. */
	default ListenerStatus.ProxyProtocol proxyProtocol() {
		return null;
	}

}
