package dev.portico.udp;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.portico.listener.Within;

/**
 * The keys a UDP listener takes besides the common ones.
 *
 * @param reply what to send back for each datagram: echo (default), ack or none
 * @param maxMessageSize the largest datagram accepted; larger ones are dropped and
 * counted; default and maximum 65507B (the largest UDP payload over IPv4)
 */
public record UdpOptions(@DefaultValue("echo") UdpReply reply,
		@DefaultValue("65507B") @Within(max = "65507B") DataSize maxMessageSize) {

	/** The largest UDP payload over IPv4. */
	public static final int MAX_DATAGRAM = 65507;

	/** {@link #maxMessageSize()} in bytes, at least 1. */
	public int maxMessageBytes() {
		return (int) Math.max(1, this.maxMessageSize.toBytes());
	}

}
