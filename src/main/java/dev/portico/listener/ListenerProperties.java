package dev.portico.listener;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.util.unit.DataSize;

/**
 * One listener's definition, as configured under {@code portico.listeners.<name>} or posted to
 * the API. Omitted values take the defaults below, which live only here.
 *
 * @param type the listener type: echo, multiconn, search or udp
 * @param port the port to bind (0 for any free port); default per type: 65432 echo, 65433
 * multiconn, 65434 search, 65435 udp
 * @param bind the address to bind; default 0.0.0.0 (every interface)
 * @param autostart whether to start with the service; default true
 * @param maxConnections TCP connections open at once; the next is closed at accept and counted;
 * default 10000
 * @param maxConnectionsPerIp TCP connections open at once from one remote address; default 0
 * (no limit)
 * @param idleTimeout a TCP connection that sends nothing for this long is closed; default 5m,
 * 0 for never
 * @param writeTimeout a TCP connection whose peer does not read for this long, while Portico has
 * bytes for it, is closed; default 30s
 * @param frameTimeout a search request must arrive whole within this time; default 10s
 * @param maxMessageSize largest read chunk (echo, multiconn; default 64KB), request content
 * (search; default 1MB) or datagram (udp; default and maximum 65507B)
 * @param maxQueuedBytes bytes queued for one TCP connection before backpressure; default 1MB
 * @param backlog TCP accept backlog; default 1024
 * @param keepAlive search: serve many requests per connection instead of closing after the
 * first; default false
 * @param reply udp: echo (default), ack or none
 */
public record ListenerProperties(@NotNull ListenerType type, @Min(0) @Max(65535) Integer port, @NotBlank String bind,
		Boolean autostart, @Min(1) Integer maxConnections, @Min(0) Integer maxConnectionsPerIp,
		@NotNegative Duration idleTimeout, @NotNegative Duration writeTimeout, @NotNegative Duration frameTimeout,
		@NotNegative DataSize maxMessageSize, @NotNegative DataSize maxQueuedBytes, @Min(1) Integer backlog,
		Boolean keepAlive, UdpReply reply) {

	/** The largest UDP payload over IPv4. */
	public static final int MAX_DATAGRAM = 65507;

	public ListenerProperties {
		if (port == null && type != null) {
			port = type.defaultPort();
		}
		bind = (bind != null) ? bind : "0.0.0.0";
		autostart = (autostart != null) ? autostart : Boolean.TRUE;
		maxConnections = (maxConnections != null) ? maxConnections : 10_000;
		maxConnectionsPerIp = (maxConnectionsPerIp != null) ? maxConnectionsPerIp : 0;
		idleTimeout = (idleTimeout != null) ? idleTimeout : Duration.ofMinutes(5);
		writeTimeout = (writeTimeout != null) ? writeTimeout : Duration.ofSeconds(30);
		frameTimeout = (frameTimeout != null) ? frameTimeout : Duration.ofSeconds(10);
		if (maxMessageSize == null) {
			maxMessageSize = defaultMaxMessageSize(type);
		}
		maxQueuedBytes = (maxQueuedBytes != null) ? maxQueuedBytes : DataSize.ofMegabytes(1);
		backlog = (backlog != null) ? backlog : 1024;
		keepAlive = (keepAlive != null) ? keepAlive : Boolean.FALSE;
		reply = (reply != null) ? reply : UdpReply.ECHO;
	}

	/** A definition of the given type on the given port with every other value defaulted. */
	public static ListenerProperties of(ListenerType type, int port) {
		return new ListenerProperties(type, port, null, null, null, null, null, null, null, null, null, null, null,
				null);
	}

	/** {@link #maxMessageSize()} in bytes, capped to what the transport can carry. */
	public int maxMessageBytes() {
		long bytes = this.maxMessageSize.toBytes();
		long cap = (this.type == ListenerType.UDP) ? MAX_DATAGRAM : Integer.MAX_VALUE - 8;
		return (int) Math.max(1, Math.min(bytes, cap));
	}

	private static DataSize defaultMaxMessageSize(ListenerType type) {
		if (type == ListenerType.SEARCH) {
			return DataSize.ofMegabytes(1);
		}
		if (type == ListenerType.UDP) {
			return DataSize.ofBytes(MAX_DATAGRAM);
		}
		return DataSize.ofKilobytes(64);
	}

}
