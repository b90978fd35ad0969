package dev.portico.protocol;

import java.net.InetSocketAddress;

/**
 * A decoded PROXY protocol header, as HAProxy's {@code send-proxy} (version 1, text) and
 * {@code send-proxy-v2} (version 2, binary) write it in front of a connection's first
 * byte.
 *
 * @param version 1 or 2
 * @param command {@link Command#PROXY} for a relayed connection, {@link Command#LOCAL}
 * for one the balancer opened itself (a health check)
 * @param family the address family the header declares
 * @param source the original client's address and port, or {@code null} when the header
 * carries none the receiver can use (LOCAL, v1 UNKNOWN, v2 UNSPEC or UNIX): the
 * connection's own addresses then stand
 * @param destination the address and port the client connected to, or {@code null} as for
 * {@code source}
 * @param length the header's length on the wire, in bytes: what follows is payload
 */
public record ProxyHeader(int version, Command command, Family family, InetSocketAddress source,
		InetSocketAddress destination, int length) {

	/** Whether the header names the original client. */
	public boolean hasAddresses() {
		return this.source != null;
	}

	/** What the connection is. */
	public enum Command {

		/** The balancer relays a client's connection; the addresses are the client's. */
		PROXY,

		/** The balancer speaks for itself (a health check): keep the real addresses. */
		LOCAL

	}

	/**
	 * The address family: v1's {@code TCP4}, {@code TCP6} and {@code UNKNOWN}, v2's
	 * {@code AF_INET}, {@code AF_INET6}, {@code AF_UNIX} and {@code AF_UNSPEC}.
	 */
	public enum Family {

		/** Unknown or unspecified: v1 {@code UNKNOWN}, v2 {@code AF_UNSPEC}. */
		UNSPEC,

		/** IPv4: v1 {@code TCP4}, v2 {@code AF_INET}. */
		INET,

		/** IPv6: v1 {@code TCP6}, v2 {@code AF_INET6}. */
		INET6,

		/** A Unix socket (v2 only): no IP address to use. */
		UNIX

	}

}
