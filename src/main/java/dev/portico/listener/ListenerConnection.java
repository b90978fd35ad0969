package dev.portico.listener;

import java.time.Instant;

/**
 * One open connection of a listener, as the API and meters see it; its figures are live.
 */
public interface ListenerConnection {

	/** The connection id, unique within the service. */
	String id();

	/**
	 * The peer's address and port, {@code host:port}: the client's own when a balancer
	 * sent a PROXY protocol header.
	 */
	String remoteAddress();

	/**
	 * The balancer's address and port when the peer's came from a PROXY protocol header,
	 * else {@code null}.
	 */
	default String proxiedBy() {
		return null;
	}

	/** What was negotiated, on a TLS listener; else {@code null}. */
	default Tls tls() {
		return null;
	}

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

	/**
	 * A TLS connection's session.
	 *
	 * @param protocol the negotiated protocol, e.g. {@code TLSv1.3}
	 * @param cipherSuite the negotiated cipher suite
	 * @param clientSubject the subject of the client's certificate (RFC 2253), or
	 * {@code null} when it sent none
	 */
	record Tls(String protocol, String cipherSuite, String clientSubject) {
	}

}
