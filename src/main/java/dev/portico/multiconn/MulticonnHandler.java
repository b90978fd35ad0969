package dev.portico.multiconn;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.portico.protocol.ChunkReader;
import dev.portico.connection.ConnectionHandler;
import dev.portico.connection.ConnectionState;
import dev.portico.connection.FrameReader;
import dev.portico.connection.OutboundQueue;
import dev.portico.connection.OutboundQueue.Offer;
import dev.portico.connection.TcpServer;
import dev.portico.listener.MessagePush;

/**
 * Reads and writes decoupled through each connection's bounded {@link OutboundQueue}, as the
 * tutorial's {@code select()} server does with its {@code message_queues}: the reader queues
 * what it read, a writer drains the queue, and pushes from the API join the same queue.
 *
 * <p>A full queue pauses that connection's reader (backpressure: the peer's sends block in its
 * TCP window) for at most the write timeout, then closes it. Pushes never wait: a full queue
 * refuses them. A peer that shuts down its output still gets everything queued for it.
 */
final class MulticonnHandler implements ConnectionHandler, MessagePush {

	/** Largest single write when joining queued chunks. */
	static final int MAX_BATCH = 64 * 1024;

	private final int maxChunkSize;

	private final Duration writeTimeout;

	private TcpServer server;

	MulticonnHandler(int maxChunkSize, Duration writeTimeout) {
		this.maxChunkSize = maxChunkSize;
		this.writeTimeout = writeTimeout;
	}

	/** Attach the server this handler serves (they refer to each other). */
	TcpServer bind(TcpServer server) {
		this.server = server;
		return server;
	}

	@Override
	public FrameReader newReader(ConnectionState connection) {
		return new ChunkReader(this.maxChunkSize)::read;
	}

	@Override
	public void onMessage(ConnectionState connection, Object unit) {
		Offer offer;
		try {
			offer = connection.queue().offer((byte[]) unit, this.writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			connection.close("interrupted");
			return;
		}
		if (offer == Offer.FULL || offer == Offer.OVERLOADED) {
			this.server.warn("queue-overflow", "Listener '" + this.server.settings().name() + "': closing "
					+ connection.remoteAddress() + ": its output could not be queued for " + this.writeTimeout.toMillis()
					+ " ms (" + ((offer == Offer.FULL) ? "its queue is full: it does not read"
							: "the service-wide buffer budget is spent") + ")");
			connection.close("queue-overflow");
		}
		else if (offer == Offer.QUEUED_START_WRITER) {
			startWriter(connection);
		}
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

	@Override
	public Result push(String connectionId, byte[] bytes) {
		ConnectionState connection = this.server.connection(connectionId).orElse(null);
		if (connection == null) {
			return Result.NO_SUCH_CONNECTION;
		}
		return queue(connection, bytes);
	}

	@Override
	public Broadcast broadcast(byte[] bytes) {
		int queued = 0;
		int full = 0;
		for (ConnectionState connection : this.server.connections()) {
			Result result = queue(connection, bytes);
			if (result == Result.QUEUED) {
				queued++;
			}
			else if (result == Result.QUEUE_FULL) {
				full++;
			}
		}
		return new Broadcast(queued, full);
	}

	private Result queue(ConnectionState connection, byte[] bytes) {
		Offer offer = connection.queue().offer(bytes);
		switch (offer) {
			case QUEUED_START_WRITER -> startWriter(connection);
			case FULL, OVERLOADED -> {
				this.server.warn("queue-full", "Listener '" + this.server.settings().name() + "': push to "
						+ connection.remoteAddress() + " refused: "
						+ ((offer == Offer.FULL) ? "its queue is full" : "the service-wide buffer budget is spent"));
				return Result.QUEUE_FULL;
			}
			case CLOSED -> {
				return Result.NO_SUCH_CONNECTION;
			}
			default -> {
			}
		}
		return Result.QUEUED;
	}

	private void startWriter(ConnectionState connection) {
		try {
			this.server.execute(() -> drain(connection));
		}
		catch (RuntimeException ex) {
			// the listener is stopping: its connections are closing too
			connection.queue().close();
		}
	}

	private void drain(ConnectionState connection) {
		OutboundQueue queue = connection.queue();
		OutboundQueue.Batch batch;
		while ((batch = queue.poll(MAX_BATCH)) != null) {
			try {
				connection.write(batch.bytes(), batch.messages());
			}
			catch (RuntimeException ex) {
				connection.close("write-failed");
				queue.close();
				return;
			}
			finally {
				queue.written(batch);
			}
		}
	}

}
