package dev.portico.udp;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.portico.listener.Within;

/**
 * The keys a UDP listener takes besides the common ones.
 *
 * @param reply what to send back for each datagram: echo (default), ack or none
 * @param maxMessageSize the largest datagram accepted; larger ones are dropped and
 * counted; default and maximum 65507B (the largest UDP payload over IPv4)
 * @param replyRatePerSource datagrams answered per second to one source address, on
 * average; past it datagrams are dropped and counted; default 1000, 0 for no limit. A
 * source address cannot be authenticated: the limit bounds what a forged one can aim at a
 * third party, and ends a reply loop with another echo service within one burst
 * @param replyBurstPerSource datagrams answered to one source address at once before
 * {@code reply-rate-per-source} applies; default 100
 * @param minSourcePort the lowest source port answered; default 1024, so well-known
 * services (DNS, NTP, echo, chargen), which may answer back, are not; source port 0 is
 * never answered
 */
public record UdpOptions(@DefaultValue("echo") UdpReply reply,
		@DefaultValue("65507B") @Within(max = "65507B") DataSize maxMessageSize,
		@DefaultValue("1000") @Min(0) @Max(1_000_000) int replyRatePerSource,
		@DefaultValue("100") @Min(1) @Max(1_000_000) int replyBurstPerSource,
		@DefaultValue("1024") @Min(1) @Max(65535) int minSourcePort) {

	/** The largest UDP payload over IPv4. */
	public static final int MAX_DATAGRAM = 65507;

	/** {@link #maxMessageSize()} in bytes, at least 1. */
	public int maxMessageBytes() {
		return (int) Math.max(1, this.maxMessageSize.toBytes());
	}

}
