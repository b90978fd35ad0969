package dev.portico.listener;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.portico.connection.ConnectionState;

/** The running part of one listener: sockets and threads, created by its type's provider. */
public interface ListenerRuntime {

	/**
	 * Bind and serve. Called only while stopped.
	 * @return the bound port
	 * @throws IOException if the address cannot be bound
	 */
	int start() throws IOException;

	/** Stop serving and close every connection. */
	void stop();

	/** Stop accepting new connections, leaving open ones to finish (graceful drain). */
	default void stopAccepting() {
	}

	/** Open TCP connections, live; empty for UDP. */
	default Collection<ConnectionState> connections() {
		return List.of();
	}

	/** Close one connection; false if it is not open. */
	default boolean closeConnection(String id) {
		return false;
	}

	/** Server-initiated messages, for types that queue output. */
	default Optional<MessagePush> push() {
		return Optional.empty();
	}

}
