package dev.portico.listener;

import java.util.List;
import java.util.Map;

/**
 * A listener's state and figures at one moment: what the API, the Actuator endpoint and
 * {@code info} report.
 *
 * @param name the listener's name
 * @param type echo, multiconn, search or udp
 * @param transport tcp or udp
 * @param bind the bind address
 * @param port the bound port while running, else the configured one
 * @param state RUNNING, STOPPED or FAILED
 * @param failure why it failed, or null
 * @param connections open, accepted and rejected TCP connections
 * @param bytes bytes received and sent
 * @param messages chunks, frames or datagrams received and sent
 * @param queue bytes and messages waiting to be written, summed over open connections
 * @param errors errors of every kind
 * @param errorsByKind errors by kind
 * @param tls its TLS settings, or {@code null} when it serves plain TCP (or UDP)
 * @param proxyProtocol its PROXY protocol settings, or {@code null} when off
 */
public record ListenerStatus(String name, String type, String transport, String bind, int port, ListenerState state,
		String failure, Connections connections, Traffic bytes, Traffic messages, Queue queue, long errors,
		Map<String, Long> errorsByKind, Tls tls, ProxyProtocol proxyProtocol) {

	/**
	 * A TLS listener's settings.
	 *
	 * @param bundle the Spring Boot SSL bundle its certificate comes from
	 * @param clientAuth none, want or need
	 * @param protocols the protocols it accepts, e.g. {@code [TLSv1.3, TLSv1.2]}
	 * @param handshakeTimeout how long a handshake may take, e.g. {@code 10s}; {@code 0s}
	 * for no limit
	 */
	public record Tls(String bundle, String clientAuth, List<String> protocols, String handshakeTimeout) {
	}

	/**
	 * How a listener reads PROXY protocol headers.
	 *
	 * @param mode optional or required
	 * @param trustedFrom the address blocks headers are accepted from
	 */
	public record ProxyProtocol(String mode, List<String> trustedFrom) {
	}

	/**
	 * Connection figures.
	 *
	 * @param active open now
	 * @param accepted accepted since the service started
	 * @param rejected refused at accept since the service started
	 * @param rejectedByReason refused, by reason
	 */
	public record Connections(int active, long accepted, long rejected, Map<String, Long> rejectedByReason) {
	}

	/**
	 * Received and sent totals since the service started.
	 *
	 * @param received received
	 * @param sent sent
	 */
	public record Traffic(long received, long sent) {
	}

	/**
	 * What is waiting to be written.
	 *
	 * @param bytes bytes
	 * @param messages messages
	 */
	public record Queue(long bytes, long messages) {
	}

}
