package dev.portico.udp;

import dev.portico.listener.ErrorKind;

/** Errors a UDP listener counts. */
public enum UdpErrorKind implements ErrorKind {

	/** A datagram larger than {@code max-message-size}, dropped. */
	OVERSIZED("oversized"),

	/** A reply could not be sent. */
	SEND("send"),

	/**
	 * A message could not be delivered to the listener's inbound channel or from its
	 * outbound one.
	 */
	CHANNEL("channel"),

	/**
	 * A datagram not answered because its source is one of this service's own UDP
	 * sockets: the answer would start a reply loop.
	 */
	DROPPED_OWN_SOCKET("dropped-own-socket"),

	/**
	 * A datagram not answered because its source port is 0 or below
	 * {@code min-source-port} (well-known services such as DNS, NTP, echo, chargen).
	 */
	DROPPED_SOURCE_PORT("dropped-source-port"),

	/**
	 * A datagram not answered because its source passed {@code reply-rate-per-source}.
	 */
	DROPPED_RATE("dropped-rate-limit");

	private final String tag;

	UdpErrorKind(String tag) {
		this.tag = tag;
	}

	@Override
	public String tag() {
		return this.tag;
	}

}
