package dev.portico.cli.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;

/**
 * One load run's settings, resolved from the command line.
 *
 * @param mode what to send
 * @param address the server
 * @param conns connections (or UDP sockets) to open
 * @param size message or chunk size in bytes
 * @param pipeline messages in flight per connection
 * @param duration the measured window
 * @param warmup time before the measured window
 * @param rate target messages per second over all connections, 0 for as fast as possible
 * @param timeout how long a reply may take before it counts as an error (TCP) or a loss
 * (UDP)
 * @param interval hold mode: the time between two echoes on one connection
 * @param keepAlive search mode: many requests per connection instead of one
 * @param threads selector threads
 * @param maxPendingConnects connection attempts in flight at once
 * @param serverPid the server process to read CPU time and RSS from, or 0
 * @param tls a new client TLS engine per connection, or {@code null} for plain TCP
 * @param proxyProtocol the PROXY protocol header each connection sends first, or
 * {@code null} for none
 */
public record BenchConfig(BenchMode mode, InetSocketAddress address, int conns, int size, int pipeline,
		Duration duration, Duration warmup, long rate, Duration timeout, Duration interval, boolean keepAlive,
		int threads, int maxPendingConnects, long serverPid, Supplier<SSLEngine> tls, ProxyVersion proxyProtocol) {

	/** The PROXY protocol version bench writes. */
	public enum ProxyVersion {

		/** HAProxy's {@code send-proxy}: a text line. */
		v1,

		/** HAProxy's {@code send-proxy-v2}: binary. */
		v2

	}

}
