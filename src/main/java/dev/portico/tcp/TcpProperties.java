package dev.portico.tcp;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.portico.listener.Within;

/**
 * Service-wide TCP settings, {@code portico.*}.
 *
 * @param maxBufferedBytes bytes queued for writing across all connections of all
 * listeners; past it, reads that would queue more pause and pushes are refused; default
 * 256MB
 * @param platformThreads per TCP listener on the threaded engine, how many connections at
 * once are served on platform threads before virtual threads (Java 21+) take the rest;
 * default 0: all virtual. On Java 17 every connection has a platform thread.
 * @param maxConnections TCP connections open at once across all listeners; past it the
 * next connection is closed at accept and counted (reason {@code max-connections-total});
 * default 10000, lowered at start if the process's file descriptor limit minus 1024
 * cannot hold it
 * @param tcpEngine how TCP listeners serve their connections: {@code auto} (default: an
 * event loop for echo, multiconn and search listeners without an inbound channel, threads
 * for the rest), {@code event-loop} or {@code threads}
 * @param eventLoops selector threads shared by every listener on the event-loop engine;
 * default 0: one per available processor
 */
@Validated
@ConfigurationProperties("portico")
public record TcpProperties(@DefaultValue("256MB") @Within(max = "64GB") DataSize maxBufferedBytes,
		@DefaultValue("0") @Min(0) @Max(100_000) int platformThreads,
		@DefaultValue("10000") @Min(1) @Max(1_000_000) int maxConnections, @DefaultValue("auto") TcpEngine tcpEngine,
		@DefaultValue("0") @Min(0) @Max(256) int eventLoops) {

	/** {@link #eventLoops()}, or one per available processor when 0. */
	public int eventLoopCount() {
		return (this.eventLoops > 0) ? this.eventLoops : Runtime.getRuntime().availableProcessors();
	}

}
