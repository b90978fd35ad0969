package dev.portico.tcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.integration.ip.tcp.connection.TcpConnection;

import dev.portico.listener.ListenerConnection;
import dev.portico.listener.TrafficStats;
import dev.portico.tcp.OutboundQueue.Offer;

/**
 * One open TCP connection: identity, byte counts, timers for the watchdog and its bounded
 * outbound queue with the writer that drains it. Written by the connection's own threads,
 * read live by the API and meters.
 */
public final class ConnectionState implements ListenerConnection, FrameClock {

	/** Largest single write when joining queued items. */
	static final int MAX_BATCH = 64 * 1024;

	private final TcpConnection connection;

	/**
	 * The connection when an event loop serves it: writes then queue instead of block.
	 */
	private final LoopConnection<?> loop;

	private final TcpServer<?> server;

	private final String id;

	// the peer: the socket's, or the client's own once a PROXY protocol header names it
	private volatile InetAddress remoteInetAddress;

	private volatile int remotePort;

	private volatile String remoteAddress;

	private volatile String proxiedBy;

	private volatile Tls tls;

	private volatile ConnectionSetup.Phase setupPhase;

	private volatile long setupStartedNanos;

	private final Instant openedAt = Instant.now();

	private final TrafficStats stats;

	private final OutboundQueue queue;

	private final AtomicLong bytesIn = new AtomicLong();

	private final AtomicLong bytesOut = new AtomicLong();

	private volatile long writeStartedNanos;

	private volatile long frameStartedNanos;

	private volatile long lastReadNanos = System.nanoTime();

	private volatile CloseReason closeReason;

	ConnectionState(TcpConnection connection, InetAddress remoteInetAddress, int remotePort, TcpServer<?> server) {
		this.connection = connection;
		this.loop = (connection instanceof LoopConnection<?> onLoop) ? onLoop : null;
		this.server = server;
		this.id = connection.getConnectionId();
		this.remoteInetAddress = remoteInetAddress;
		this.remotePort = remotePort;
		this.remoteAddress = remoteInetAddress.getHostAddress() + ":" + remotePort;
		this.stats = server.stats();
		this.queue = new OutboundQueue(server.options().maxQueuedBytes().toBytes(), server.budget());
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public String proxiedBy() {
		return this.proxiedBy;
	}

	@Override
	public Tls tls() {
		return this.tls;
	}

	/** The peer's address. */
	public InetAddress remoteInetAddress() {
		return this.remoteInetAddress;
	}

	/** The peer's port. */
	public int remotePort() {
		return this.remotePort;
	}

	@Override
	public Instant openedAt() {
		return this.openedAt;
	}

	@Override
	public long bytesIn() {
		return this.bytesIn.get();
	}

	@Override
	public long bytesOut() {
		return this.bytesOut.get();
	}

	@Override
	public long queuedBytes() {
		return this.queue.bytes();
	}

	@Override
	public long queuedMessages() {
		return this.queue.messages();
	}

	/** The outbound queue; listener types that write synchronously leave it empty. */
	public OutboundQueue queue() {
		return this.queue;
	}

	public boolean isOpen() {
		return this.connection.isOpen();
	}

	/**
	 * Write bytes now, on the calling thread; blocks while the peer's receive window is
	 * full. The watchdog closes the connection if one write takes longer than the write
	 * timeout. On the event-loop engine the bytes are queued instead (the event loop
	 * writes them, and pauses reading this connection while its queue is full).
	 * @param data the bytes
	 * @param messages how many messages they hold, for the figures
	 */
	public void write(byte[] data, int messages) {
		if (this.loop != null) {
			this.loop.output(data);
			return;
		}
		writing(true);
		try {
			this.connection.send(LeanMessages.of(data));
		}
		finally {
			writing(false);
		}
		this.bytesOut.addAndGet(data.length);
		this.stats.sent(data.length, messages);
	}

	/**
	 * Queue bytes for the writer without waiting (a push): a full queue refuses them,
	 * counted as {@code queue-full}.
	 */
	public PushResult push(byte[] bytes) {
		Offer offer = this.queue.offer(bytes);
		switch (offer) {
			case QUEUED_START_WRITER -> startWriter();
			case FULL, OVERLOADED -> {
				this.server.log()
					.error(TcpErrorKind.QUEUE_FULL,
							"push to " + this.remoteAddress + " refused: " + ((offer == Offer.FULL)
									? "its queue is full" : "the service-wide buffer budget is spent"));
				return PushResult.QUEUE_FULL;
			}
			case CLOSED -> {
				return PushResult.NO_SUCH_CONNECTION;
			}
			default -> {
			}
		}
		return PushResult.QUEUED;
	}

	/**
	 * Queue what the reader produced, waiting up to {@code timeout} for room:
	 * backpressure on a peer that sends but does not read. If there is still no room, the
	 * connection is closed and counted as {@code queue-overflow}.
	 */
	public void queueOrClose(byte[] bytes, Duration timeout) {
		if (this.loop != null) {
			this.loop.output(bytes);
			return;
		}
		Offer offer;
		try {
			offer = this.queue.offer(bytes, timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close(CloseReason.INTERRUPTED);
			return;
		}
		if (offer == Offer.FULL || offer == Offer.OVERLOADED) {
			this.server.log()
				.error(TcpErrorKind.QUEUE_OVERFLOW,
						"closing " + this.remoteAddress + ": its output could not be queued for " + timeout.toMillis()
								+ " ms (" + ((offer == Offer.FULL) ? "its queue is full: it does not read"
										: "the service-wide buffer budget is spent")
								+ ")");
			close(CloseReason.QUEUE_OVERFLOW);
		}
		else if (offer == Offer.QUEUED_START_WRITER) {
			startWriter();
		}
	}

	private void startWriter() {
		if (this.loop != null) {
			this.loop.flushSoon();
			return;
		}
		try {
			this.server.execute(this::drain);
		}
		catch (RuntimeException ex) {
			// the listener is stopping: its connections are closing too
			this.queue.close();
		}
	}

	/** The writer: joins queued items into writes until the queue is empty. */
	private void drain() {
		OutboundQueue.Batch batch;
		while ((batch = this.queue.poll(MAX_BATCH)) != null) {
			try {
				write(batch.bytes(), batch.messages());
			}
			catch (RuntimeException ex) {
				close(CloseReason.WRITE_FAILED);
				this.queue.close();
				return;
			}
			finally {
				this.queue.written(batch);
			}
		}
	}

	/** Close the connection, recording why (logged and counted by the caller). */
	public void close(CloseReason reason) {
		if (this.closeReason == null) {
			this.closeReason = reason;
		}
		this.connection.close();
	}

	/**
	 * Why Portico closed the connection, or {@code null} if the peer did (or it is open).
	 */
	public CloseReason closeReason() {
		return this.closeReason;
	}

	/**
	 * Marks a write as in progress, so that the watchdog's write timeout covers it (also
	 * a TLS close_notify written outside {@link #write}).
	 */
	void writing(boolean writing) {
		this.writeStartedNanos = writing ? System.nanoTime() : 0;
	}

	/**
	 * The peer is the client a PROXY protocol header names; the socket's peer (the
	 * balancer) is kept as {@link #proxiedBy()}.
	 */
	void proxied(InetSocketAddress client) {
		this.proxiedBy = this.remoteAddress;
		this.remoteInetAddress = client.getAddress();
		this.remotePort = client.getPort();
		this.remoteAddress = client.getAddress().getHostAddress() + ":" + client.getPort();
	}

	/** The TLS session is established. */
	void tls(Tls session) {
		this.tls = session;
	}

	/** The connection set-up step it is in, timed by the watchdog; null when done. */
	void setupPhase(ConnectionSetup.Phase phase) {
		this.setupStartedNanos = System.nanoTime();
		this.setupPhase = phase;
	}

	ConnectionSetup.Phase setupPhase() {
		return this.setupPhase;
	}

	/** Nanoseconds the current set-up step has been running. */
	long setupAgeNanos(long now) {
		return now - this.setupStartedNanos;
	}

	/** Bytes an event loop wrote for this connection. */
	void sent(int bytes, int messages) {
		this.bytesOut.addAndGet(bytes);
		this.stats.sent(bytes, messages);
	}

	/** An event loop could not write all it had: the write timeout runs from now. */
	void writeStalled() {
		if (this.writeStartedNanos == 0) {
			this.writeStartedNanos = System.nanoTime();
		}
	}

	/** An event loop wrote what stalled. */
	void writeResumed() {
		this.writeStartedNanos = 0;
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
