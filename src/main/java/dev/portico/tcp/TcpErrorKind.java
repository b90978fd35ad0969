package dev.portico.tcp;

import dev.portico.listener.ErrorKind;

/** Errors every TCP listener counts. */
public enum TcpErrorKind implements ErrorKind {

	/** A read failed (a reset, a broken connection). */
	READ("read"),

	/** A write failed. */
	WRITE("write"),

	/**
	 * A peer did not read for longer than {@code write-timeout} while bytes waited for
	 * it.
	 */
	WRITE_TIMEOUT("write-timeout"),

	/** A frame did not arrive whole within {@code frame-timeout}. */
	FRAME_TIMEOUT("frame-timeout"),

	/** A connection sent nothing for {@code idle-timeout}; reclaimed. */
	IDLE_TIMEOUT("idle-timeout"),

	/**
	 * A reader's output could not be queued within {@code write-timeout}; the connection
	 * closed.
	 */
	QUEUE_OVERFLOW("queue-overflow"),

	/** A push or outbound message was refused: the connection's queue is full. */
	QUEUE_FULL("queue-full"),

	/**
	 * A message could not be delivered to the listener's inbound channel or from its
	 * outbound one.
	 */
	CHANNEL("channel"),

	/**
	 * A TLS handshake failed (plain bytes on a TLS port, an untrusted or missing client
	 * certificate, no protocol in common) or did not finish within
	 * {@code ssl.handshake-timeout}.
	 */
	TLS("tls"),

	/**
	 * A PROXY protocol header was malformed, truncated, too long, too slow (past
	 * {@code frame-timeout}), missing where required, or sent from an address not in
	 * {@code proxy-trusted-from}.
	 */
	PROXY_PROTOCOL("proxy-protocol");

	private final String tag;

	TcpErrorKind(String tag) {
		this.tag = tag;
	}

	@Override
	public String tag() {
		return this.tag;
	}

}
