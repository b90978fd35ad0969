package dev.portico.connection;

import java.time.Duration;

/**
 * The socket-level settings of one TCP server.
 * @param name the listener's name, used for thread names and logs
 * @param bind the address to bind
 * @param port the port to bind, 0 for any free port
 * @param backlog the accept backlog
 * @param maxConnections open connections allowed at once; the next is closed at accept
 * @param maxConnectionsPerIp open connections allowed from one remote address, 0 for no limit
 * @param idleTimeout a connection that sends nothing for this long is closed, zero for never
 * @param writeTimeout a write blocked this long (the peer does not read) closes the connection
 * @param maxQueuedBytes bound of each connection's outbound queue
 * @param frameTimeout a frame begun must be whole within this time, zero for no limit
 * @param platformThreads connections (and writers) served on platform threads at once before
 * virtual threads (Java 21+) take the rest
 */
public record TcpServerSettings(String name, String bind, int port, int backlog, int maxConnections,
		int maxConnectionsPerIp, Duration idleTimeout, Duration writeTimeout, long maxQueuedBytes,
		Duration frameTimeout, int platformThreads) {
}
