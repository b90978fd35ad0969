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
	CHANNEL("channel");

	private final String tag;

	UdpErrorKind(String tag) {
		this.tag = tag;
	}

	@Override
	public String tag() {
		return this.tag;
	}

}
