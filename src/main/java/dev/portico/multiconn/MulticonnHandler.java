package dev.portico.multiconn;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.portico.tcp.ChunkHandler;
import dev.portico.tcp.ConnectionState;

/**
 * Reads and writes decoupled through each connection's bounded outbound queue, as the
 * tutorial's {@code select()} server does with its {@code message_queues}: the reader
 * queues what it read, a writer drains the queue, and pushes from the API join the same
 * queue.
 *
 * <p>
 * A full queue pauses that connection's reader (backpressure: the peer's sends block in
 * its TCP window) for at most the write timeout, then closes it. Pushes never wait: a
 * full queue refuses them. A peer that shuts down its output still gets everything queued
 * for it.
 */
final class MulticonnHandler extends ChunkHandler {

	private final Duration writeTimeout;

	MulticonnHandler(int maxChunkSize, Duration writeTimeout) {
		super(maxChunkSize);
		this.writeTimeout = writeTimeout;
	}

	@Override
	public void onMessage(ConnectionState connection, byte[] chunk) {
		connection.queueOrClose(chunk, this.writeTimeout);
	}

	@Override
	public void onEndOfStream(ConnectionState connection) {
		try {
			connection.queue().awaitEmpty(this.writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
