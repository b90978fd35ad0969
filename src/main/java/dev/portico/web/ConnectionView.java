package dev.portico.web;

import java.time.Instant;

import dev.portico.listener.ListenerConnection;

/**
 * One open connection as the API shows it.
 *
 * @param id the connection id, for closing it or pushing to it
 * @param remoteAddress the peer's address and port
 * @param openedAt when it was accepted
 * @param bytesIn bytes received from the peer
 * @param bytesOut bytes written to the peer
 * @param queuedBytes bytes waiting to be written to it
 * @param queuedMessages messages waiting to be written to it
 * @param proxiedBy the balancer's address and port when {@code remoteAddress} came from a
 * PROXY protocol header, else null
 * @param tls the negotiated protocol, cipher suite and client certificate subject on a
 * TLS listener, else null
 */
public record ConnectionView(String id, String remoteAddress, Instant openedAt, long bytesIn, long bytesOut,
		long queuedBytes, long queuedMessages, String proxiedBy, ListenerConnection.Tls tls) {

	static ConnectionView of(ListenerConnection connection) {
		return new ConnectionView(connection.id(), connection.remoteAddress(), connection.openedAt(),
				connection.bytesIn(), connection.bytesOut(), connection.queuedBytes(), connection.queuedMessages(),
				connection.proxiedBy(), connection.tls());
	}

}
