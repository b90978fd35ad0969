package dev.portico.connection;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.integration.ip.tcp.connection.TcpConnection;

/**
 * One open TCP connection: identity, byte counts and, for queueing listener types, its outbound
 * queue. Written by the connection's own threads, read live by the API and metrics.
 */
public final class ConnectionState implements FrameClock {

	private final TcpConnection connection;

	private final String id;

	private final String remoteAddress;

	private final Instant openedAt = Instant.now();

	private final TrafficStats stats;

	private final OutboundQueue queue;

	private final AtomicLong bytesIn = new AtomicLong();

	private final AtomicLong bytesOut = new AtomicLong();

	private volatile long writeStartedNanos;

	private volatile long frameStartedNanos;

	private volatile long lastReadNanos = System.nanoTime();

	private volatile String closeReason;

	ConnectionState(TcpConnection connection, String remoteAddress, TrafficStats stats, long maxQueuedBytes,
			BufferBudget budget) {
		this.connection = connection;
		this.id = connection.getConnectionId();
		this.remoteAddress = remoteAddress;
		this.stats = stats;
		this.queue = new OutboundQueue(maxQueuedBytes, budget);
	}

	public String id() {
		return this.id;
	}

	public String remoteAddress() {
		return this.remoteAddress;
	}

	public Instant openedAt() {
		return this.openedAt;
	}

	public long bytesIn() {
		return this.bytesIn.get();
	}

	public long bytesOut() {
		return this.bytesOut.get();
	}

	/** The outbound queue; listener types that write synchronously leave it empty. */
	public OutboundQueue queue() {
		return this.queue;
	}

	public boolean isOpen() {
		return this.connection.isOpen();
	}

	/**
	 * Write bytes now, on the calling thread; blocks while the peer's receive window is full.
	 * The watchdog closes the connection if one write takes longer than the write timeout.
	 * @param data the bytes
	 * @param messages how many messages they hold, for the figures
	 */
	public void write(byte[] data, int messages) {
		this.writeStartedNanos = System.nanoTime();
		try {
			this.connection.send(LeanMessages.of(data));
		}
		finally {
			this.writeStartedNanos = 0;
		}
		this.bytesOut.addAndGet(data.length);
		this.stats.sent(data.length, messages);
	}

	/** Close the connection, recording why (logged and counted by the caller). */
	public void close(String reason) {
		if (this.closeReason == null) {
			this.closeReason = reason;
		}
		this.connection.close();
	}

	/** Why Portico closed the connection, or {@code null} if the peer did. */
	public String closeReason() {
		return this.closeReason;
	}

	void receivedBytes(int bytes) {
		this.lastReadNanos = System.nanoTime();
		this.bytesIn.addAndGet(bytes);
		this.stats.receivedBytes(bytes);
	}

	void receivedMessage() {
		this.stats.receivedMessage();
	}

	@Override
	public void frameStarted() {
		this.frameStartedNanos = System.nanoTime();
	}

	@Override
	public void frameEnded() {
		this.frameStartedNanos = 0;
	}

	/** Nanoseconds since the peer last sent something (or the connection opened). */
	long idleNanos(long now) {
		return now - this.lastReadNanos;
	}

	/** Nanoseconds the current frame has been arriving, 0 when between frames. */
	long frameAgeNanos(long now) {
		long started = this.frameStartedNanos;
		return (started == 0) ? 0 : now - started;
	}

	/** Nanoseconds the current write has been blocked, 0 when not writing. */
	long writeBlockedNanos(long now) {
		long started = this.writeStartedNanos;
		return (started == 0) ? 0 : now - started;
	}

}
