package dev.portico.tcp;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.portico.listener.Within;

/**
 * The keys every TCP listener takes, under {@code portico.listeners.<name>}.
 *
 * @param maxConnections connections open at once; the next is closed at accept and
 * counted; default 10000
 * @param maxConnectionsPerIp connections open at once from one remote address; default
 * 1000, 0 for no limit
 * @param idleTimeout a connection that sends nothing for this long is closed; default 5m,
 * 0 for never, at most 7d
 * @param writeTimeout a connection whose peer does not read for this long, while Portico
 * has bytes for it, is closed; default 30s, at most 1h
 * @param frameTimeout a frame begun must be whole within this time; default 10s, 0 for no
 * limit, at most 1h
 * @param maxMessageSize largest chunk read at once, or frame content accepted; default
 * 64KB (1MB for search), at most 64MB
 * @param maxQueuedBytes bytes queued for one connection before backpressure; default 1MB,
 * at most 1GB
 * @param backlog the accept backlog; default 1024
 */
public record TcpOptions(@DefaultValue("10000") @Min(1) @Max(1_000_000) int maxConnections,
		@DefaultValue("1000") @Min(0) @Max(1_000_000) int maxConnectionsPerIp,
		@DefaultValue("5m") @Within(max = "7d") Duration idleTimeout,
		@DefaultValue("30s") @Within(max = "1h") Duration writeTimeout,
		@DefaultValue("10s") @Within(max = "1h") Duration frameTimeout,
		@DefaultValue("64KB") @Within(max = "64MB") DataSize maxMessageSize,
		@DefaultValue("1MB") @Within(max = "1GB") DataSize maxQueuedBytes,
		@DefaultValue("1024") @Min(1) @Max(65535) int backlog) {

	/** {@link #maxMessageSize()} in bytes, at least 1. */
	public int maxMessageBytes() {
		return (int) Math.max(1, this.maxMessageSize.toBytes());
	}

}
