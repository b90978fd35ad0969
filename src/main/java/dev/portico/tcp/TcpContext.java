package dev.portico.tcp;

import java.util.Collection;
import java.util.Optional;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

import dev.portico.listener.ListenerLog;

/**
 * What a {@link ConnectionHandler} may use of the server it serves, given when it is
 * created.
 */
public interface TcpContext {

	/** The listener's name. */
	String name();

	/** Where bad events are counted and logged. */
	ListenerLog log();

	/** The open connections, live. */
	Collection<ConnectionState> connections();

	/** One open connection. */
	Optional<ConnectionState> connection(String id);

	/** The listener's inbound channel, or null. */
	MessageChannel inboundChannel();

	/**
	 * A message for the inbound channel: the unit as payload, with the connection's id
	 * ({@code ip_connectionId}), the peer's address and port ({@code ip_address},
	 * {@code ip_tcp_remotePort}) and the listener's name ({@code portico_listener}).
	 */
	<U> Message<U> inboundMessage(ConnectionState connection, U unit);

}
