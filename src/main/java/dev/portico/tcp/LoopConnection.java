package dev.portico.tcp;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

import dev.portico.protocol.ProxyProtocolException;
import dev.portico.tcp.OutboundQueue.Batch;
import dev.portico.tcp.OutboundQueue.Offer;

/**
 * A connection served by an {@link EventLoop}: a Spring Integration {@code TcpConnection}
 * (same id, senders and open/close events as on the threaded engine) whose reads and
 * writes are Portico's own, non-blocking, on its loop's thread.
 *
 * <p>
 * Everything the handler writes goes through the connection's {@link OutboundQueue}, and
 * the loop writes it once the units of a read are handled (one write per read, as Netty
 * flushes once per read batch). Backpressure replaces blocking: while the queue holds
 * {@code max-queued-bytes} or more, or the service-wide buffer budget is spent, the loop
 * stops reading this connection; the watchdog closes it if a write stays stalled past the
 * write timeout. A connection the protocol ends after an answer, or whose peer ends its
 * output, is closed once everything queued is written.
 *
 * <p>
 * On an edge-ready listener the loop sets the connection up first, as
 * {@link ConnectionSetup} does on a connection's own thread and through the same rules
 * and failure reports: the PROXY header is read from the first bytes, then the TLS
 * handshake runs ({@link LoopTls}); only then does the connection join the open ones. On
 * TLS, records are read and unwrapped before the decoder sees application bytes, and
 * queued bytes are wrapped as they are written; counts and the queue stay in application
 * bytes.
 *
 * @param <T> what the decoder hands over
 */
final class LoopConnection<T> extends TcpConnectionSupport {

	/** Reads in a row for one connection while each fills the buffer. */
	private static final int MAX_READS_PER_EVENT = 16;

	private static final Log logger = LogFactory.getLog(LoopConnection.class);

	private final SocketChannel channel;

	private final EventLoop loop;

	private final TcpServer<T> server;

	private final ConnectionState state;

	private final OutboundQueue queue;

	private final FrameDecoder<T> decoder;

	private final long maxQueuedBytes;

	private final BufferBudget budget;

	private final Consumer<T> deliver = this::deliver;

	private final Runnable flushTask = this::flushIfOpen;

	private final AtomicBoolean closed = new AtomicBoolean();

	// What follows is touched by the loop's thread only.

	private SelectionKey key;

	private int interest = SelectionKey.OP_READ;

	private Batch writing;

	private ByteBuffer writeBuffer;

	/** Units of a read are being handled: their output is written once, at the end. */
	private boolean handling;

	private boolean flushNeeded;

	/** Close once everything queued is written; read no more. */
	private boolean closing;

	private long budgetPausedSince;

	/** The PROXY protocol header while it is being read; null before and after. */
	private ConnectionSetup.HeaderReader header;

	/** TLS on a TLS listener, from the end of the PROXY header if there is one. */
	private LoopTls tls;

	LoopConnection(SocketChannel channel, EventLoop loop, TcpServer<T> server, String factoryName) {
		super(channel.socket(), true, false, server.shared().eventPublisher(), factoryName);
		this.channel = channel;
		this.loop = loop;
		this.server = server;
		Socket socket = channel.socket();
		this.state = new ConnectionState(this, socket.getInetAddress(), socket.getPort(), server);
		this.queue = this.state.queue();
		this.decoder = server.handler().newDecoder(this.state);
		this.maxQueuedBytes = server.options().maxQueuedBytes().toBytes();
		this.budget = server.budget();
	}

	ConnectionState state() {
		return this.state;
	}

	EventLoop loop() {
		return this.loop;
	}

	/**
	 * Joins the loop: runs on the loop's thread once the connection is admitted, and
	 * publishes Spring Integration's open event (as a blocking connection does when its
	 * thread starts).
	 */
	@Override
	public void run() {
		if (!isOpen()) {
			return;
		}
		publishConnectionOpenEvent();
		ConnectionSetup setup = this.server.setup();
		if (setup != null && !startSetup(setup)) {
			closeNow();
			return;
		}
		try {
			this.key = this.loop.register(this.channel, this);
		}
		catch (ClosedChannelException ex) {
			closeNow();
		}
	}

	/**
	 * Starts setting the connection up on the loop, as {@link ConnectionSetup} does on a
	 * connection's own thread: the PROXY header comes first, if the listener reads one.
	 * @return whether it goes on
	 */
	private boolean startSetup(ConnectionSetup setup) {
		if (setup.readsProxyHeader()) {
			this.state.setupPhase(ConnectionSetup.Phase.PROXY_HEADER);
			try {
				this.header = setup.headerReader(this.state, this.channel.socket().getInetAddress());
			}
			catch (ConnectionSetup.Refused ex) {
				setup.refused(this.state, ex);
				return false;
			}
			return true;
		}
		if (setup.tls()) {
			return startTls(setup);
		}
		return setUpDone();
	}

	/** The TLS handshake begins, timed by the watchdog. */
	private boolean startTls(ConnectionSetup setup) {
		this.state.setupPhase(ConnectionSetup.Phase.TLS_HANDSHAKE);
		try {
			this.tls = new LoopTls(setup.newEngine(), this.channel, this.loop.readBuffer(), this::application,
					this::established);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			setup.tlsFailed(this.state, ex);
			return false;
		}
	}

	/** The handshake finished: the connection shows its session and joins the others. */
	private void established() {
		ConnectionSetup.established(this.state, this.tls.session());
		setUpDone();
	}

	/** Whether reads go to TLS rather than to the loop's buffer. */
	private boolean readsTls() {
		return this.tls != null && this.header == null;
	}

	/** The connection is set up: it joins the open connections, its handler reads. */
	private boolean setUpDone() {
		this.state.setupPhase(null);
		return this.server.setUpDone(this.state);
	}

	/** The selector found this connection readable or writable. */
	void ready(SelectionKey readyKey) {
		try {
			int ops = readyKey.readyOps();
			if ((ops & SelectionKey.OP_WRITE) != 0) {
				flush();
			}
			if ((ops & SelectionKey.OP_READ) != 0 && isOpen() && !this.closing) {
				read();
			}
		}
		catch (CancelledKeyException ex) {
			// closed by another thread meanwhile
			closeNow();
		}
		catch (RuntimeException ex) {
			logger.error("Closing " + this.state.remoteAddress() + " of listener '" + this.server.name()
					+ "' after an unexpected failure", ex);
			closeNow();
		}
	}

	private void read() {
		ByteBuffer buffer = this.loop.readBuffer();
		this.handling = true;
		try {
			for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
				boolean tlsRead = readsTls();
				int room;
				int n;
				try {
					if (tlsRead) {
						room = this.tls.room();
						n = this.tls.read();
					}
					else {
						buffer.clear();
						room = buffer.capacity();
						n = this.channel.read(buffer);
					}
				}
				catch (SSLException ex) {
					tlsFailed(ex);
					return;
				}
				catch (IOException ex) {
					readFailed(ex);
					return;
				}
				if (n < 0) {
					inputEnded();
					this.closing = true;
					break;
				}
				if (n == 0) {
					break;
				}
				if (tlsRead) {
					tlsReceived();
				}
				else {
					received(buffer.array(), n);
				}
				if (n < room || this.closing || !isOpen() || mustPause() || handshakeWaits()) {
					break;
				}
			}
		}
		finally {
			this.handling = false;
		}
		if ((this.flushNeeded || this.closing) && isOpen()) {
			this.flushNeeded = false;
			// also closes a closing connection once everything is written
			flush();
		}
		if (isOpen() && !this.closing) {
			applyBackpressure();
		}
	}

	/** Bytes read from the socket. */
	private void received(byte[] bytes, int length) {
		if (this.header != null) {
			readHeader(bytes, length);
		}
		else {
			application(bytes, 0, length);
		}
	}

	/**
	 * The PROXY header's bytes and what follows it, in any split: once the header is
	 * whole, the peer is known and admitted by its address, and the bytes past the header
	 * are payload.
	 */
	private void readHeader(byte[] bytes, int length) {
		ConnectionSetup setup = this.server.setup();
		int payload;
		try {
			payload = this.header.feed(bytes, 0, length);
		}
		catch (ConnectionSetup.Refused ex) {
			setup.refused(this.state, ex);
			return;
		}
		catch (ProxyProtocolException ex) {
			setup.headerRefused(this.state, ex);
			return;
		}
		if (payload < 0) {
			return;
		}
		byte[] held = this.header.heldPayload();
		this.header = null;
		if (!this.server.admitAddress(this.state)) {
			return;
		}
		if (setup.tls()) {
			if (startTls(setup)) {
				// the ClientHello may have come with the header
				byte[] early = Arrays.copyOf(held, held.length + length - payload);
				System.arraycopy(bytes, payload, early, held.length, length - payload);
				tlsReceived(early);
			}
			return;
		}
		if (!setUpDone()) {
			return;
		}
		if (held.length > 0) {
			application(held, 0, held.length);
		}
		if (payload < length && isOpen()) {
			application(bytes, payload, length - payload);
		}
	}

	/** Records arrived: unwrapped, the handshake advanced, application bytes decoded. */
	private void tlsReceived() {
		tlsReceived(null);
	}

	private void tlsReceived(byte[] early) {
		try {
			if (early == null) {
				this.tls.process();
			}
			else if (early.length > 0) {
				this.tls.feed(early);
			}
		}
		catch (IOException ex) {
			tlsFailed(ex);
			return;
		}
		if (!isOpen()) {
			return;
		}
		if (this.tls.inboundClosed() && !this.closing) {
			// close_notify: the peer's end of stream
			this.decoder.endOfStream(this.deliver);
			this.closing = true;
		}
		if (this.tls.hasOutput()) {
			// the handshake's records wait for the socket (the handshake timeout covers
			// them), or a record TLS sends of its own after it
			if (this.tls.established()) {
				this.state.writeStalled();
			}
			setInterest(this.interest | SelectionKey.OP_WRITE);
		}
	}

	/**
	 * TLS failed: in the handshake, a TLS failure (the alert sent if the socket takes
	 * it); afterwards, a broken connection.
	 */
	private void tlsFailed(IOException ex) {
		if (!isOpen() || this.state.closeReason() != null) {
			closeNow();
			return;
		}
		if (!this.tls.established()) {
			this.tls.closeOutbound();
			this.server.setup().tlsFailed(this.state, ex);
			closeNow();
		}
		else {
			readFailed(ex);
		}
	}

	/** Payload bytes: counted, then decoded into units for the handler. */
	private void application(byte[] bytes, int offset, int length) {
		this.state.receivedBytes(length);
		this.decoder.decode(bytes, offset, length, this.deliver);
	}

	/** The peer ended its output. */
	private void inputEnded() {
		if (this.header == null && this.tls != null && !this.tls.established()) {
			if (this.tls.receivedAny()) {
				tlsFailed(new SSLHandshakeException("Remote host terminated the handshake"));
			}
			// a peer that leaves without a byte is closed quietly
			return;
		}
		if (this.header == null) {
			this.decoder.endOfStream(this.deliver);
			return;
		}
		try {
			// a peer that leaves without a byte is closed quietly
			this.header.endOfStream();
		}
		catch (ProxyProtocolException ex) {
			this.server.setup().headerRefused(this.state, ex);
		}
	}

	private void deliver(T unit) {
		if (this.closing || !isOpen()) {
			// the protocol ended the connection: later units of the same read are dropped
			return;
		}
		this.state.receivedMessage();
		this.server.handle(this.state, unit);
	}

	/**
	 * Queue bytes the handler wrote ({@link ConnectionState#write} and
	 * {@link ConnectionState#queueOrClose} on this engine): never refused, never waits.
	 */
	void output(byte[] bytes) {
		if (this.queue.append(bytes) == Offer.QUEUED_START_WRITER) {
			flushSoon();
		}
	}

	/** Bytes were queued and no write is under way: write them. */
	void flushSoon() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this.flushTask);
		}
		else if (this.handling) {
			this.flushNeeded = true;
		}
		else {
			flush();
		}
	}

	private void flushIfOpen() {
		if (isOpen()) {
			flush();
		}
	}

	/** Write what is queued until it is all written or the socket's buffer is full. */
	private void flush() {
		try {
			if (this.tls != null) {
				if (!this.tls.flush()) {
					if (this.tls.established()) {
						this.state.writeStalled();
					}
					setInterest(this.interest | SelectionKey.OP_WRITE);
					return;
				}
				if (this.writing == null) {
					this.state.writeResumed();
				}
			}
			if (this.tls != null && !this.tls.established() && !this.closing) {
				// the handshake's records are written: it goes on
				setInterest(this.interest & ~SelectionKey.OP_WRITE);
				tlsReceived();
				if (!this.handling && isOpen() && !this.closing) {
					applyBackpressure();
				}
				return;
			}
			while (true) {
				if (this.writing == null) {
					Batch batch = this.queue.poll(ConnectionState.MAX_BATCH);
					if (batch == null) {
						break;
					}
					this.writing = batch;
					this.writeBuffer = ByteBuffer.wrap(batch.bytes());
				}
				boolean written;
				if (this.tls != null) {
					written = this.tls.wrap(this.writeBuffer);
				}
				else {
					this.channel.write(this.writeBuffer);
					written = !this.writeBuffer.hasRemaining();
				}
				if (!written) {
					// the peer's window is full: write again when the socket is writable
					this.state.writeStalled();
					setInterest(this.interest | SelectionKey.OP_WRITE);
					return;
				}
				Batch done = this.writing;
				this.writing = null;
				this.writeBuffer = null;
				this.state.writeResumed();
				this.state.sent(done.bytes().length, done.messages());
				this.queue.written(done);
			}
		}
		catch (IOException ex) {
			writeFailed(ex);
			return;
		}
		if (this.closing) {
			closeNow();
			return;
		}
		setInterest(this.interest & ~SelectionKey.OP_WRITE);
		if (!this.handling && isOpen()) {
			applyBackpressure();
		}
	}

	/**
	 * The handshake's records wait for the socket: read nothing more until they are
	 * written, so that the peer's records cannot pile up unread (once established, the
	 * outbound queue's bound does this).
	 */
	private boolean handshakeWaits() {
		return this.tls != null && !this.tls.established() && this.tls.hasOutput();
	}

	private boolean mustPause() {
		return this.queue.bytes() >= this.maxQueuedBytes || this.budget.isSpent();
	}

	/**
	 * Read only while the queue is under its bound and the shared budget has room; a
	 * connection paused on the budget looks again every few tens of milliseconds.
	 */
	private void applyBackpressure() {
		boolean full = this.queue.bytes() >= this.maxQueuedBytes || handshakeWaits();
		boolean broke = !full && this.budget.isSpent();
		setInterest(full || broke ? this.interest & ~SelectionKey.OP_READ : this.interest | SelectionKey.OP_READ);
		if (broke) {
			if (this.budgetPausedSince == 0) {
				this.budgetPausedSince = System.nanoTime();
			}
			this.loop.waitForBudget(this);
		}
		else {
			this.budgetPausedSince = 0;
		}
	}

	/** A connection paused on the spent budget looks again. */
	void recheckBudget(long now) {
		if (!isOpen() || this.closing) {
			return;
		}
		if (!this.budget.isSpent()) {
			applyBackpressure();
			return;
		}
		long timeout = this.server.options().writeTimeout().toNanos();
		if (timeout > 0 && now - this.budgetPausedSince > timeout) {
			this.server.log()
				.error(TcpErrorKind.QUEUE_OVERFLOW,
						"closing " + this.state.remoteAddress() + ": its output could not be queued for "
								+ this.server.options().writeTimeout().toMillis()
								+ " ms (the service-wide buffer budget is spent)");
			this.state.close(CloseReason.QUEUE_OVERFLOW);
			return;
		}
		this.loop.waitForBudget(this);
	}

	private void setInterest(int ops) {
		if (ops != this.interest && this.key != null && this.key.isValid()) {
			this.key.interestOps(ops);
			this.interest = ops;
		}
	}

	private void readFailed(IOException ex) {
		if (isOpen() && !this.closing && this.state.closeReason() == null) {
			if (this.header != null) {
				this.server.setup().headerReadFailed(this.state, ex);
			}
			else if (this.tls != null && !this.tls.established()) {
				if (this.tls.receivedAny()) {
					this.server.setup().tlsFailed(this.state, ex);
				}
			}
			else {
				this.server.readFailed(this.state, ex);
			}
		}
		closeNow();
	}

	/**
	 * A write failed: the peer reset or left (a client that leaves with answers in
	 * flight). Closed without counting an error, as the threaded engine does when its
	 * blocking write fails (a stalled peer is the write timeout's, a reset seen by a read
	 * is counted as {@code read}).
	 */
	private void writeFailed(IOException ex) {
		if (logger.isDebugEnabled() && isOpen() && this.state.closeReason() == null) {
			logger.debug("Closing " + this.state.remoteAddress() + " of listener '" + this.server.name()
					+ "' after a failed write: " + ex.getMessage());
		}
		this.state.close(CloseReason.WRITE_FAILED);
	}

	/**
	 * Close. On the loop's thread, after the protocol's own answer (search without
	 * keep-alive, or an error answer), the close waits until the answer is written;
	 * otherwise (operator, watchdog, listener stopped) it is immediate.
	 */
	@Override
	public void close() {
		if (!this.closing && isOpen() && this.loop.inLoop() && closesAfterAnswer(this.state.closeReason())) {
			this.closing = true;
			setInterest(this.interest & ~SelectionKey.OP_READ);
			if (!this.handling) {
				flush();
			}
			return;
		}
		closeNow();
	}

	void close(CloseReason reason) {
		this.state.close(reason);
	}

	private static boolean closesAfterAnswer(CloseReason reason) {
		return reason == CloseReason.ANSWERED || reason == CloseReason.BAD_INPUT;
	}

	private void closeNow() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		if (this.loop.inLoop() && this.tls != null && this.tls.established() && this.writing == null) {
			// close_notify, so that the peer reads a clean end of stream
			this.tls.closeOutbound();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		if (!this.loop.inLoop()) {
			// the socket is released when the selector next runs
			this.loop.wakeup();
		}
		// tells the server (a TcpSender) and publishes the close event
		super.close();
	}

	@Override
	public boolean isOpen() {
		return !this.closed.get();
	}

	/** Queue a message's payload like a push (for users of the {@code TcpConnection}). */
	@Override
	public void send(Message<?> message) {
		byte[] bytes = this.server.handler().toBytes(message.getPayload());
		if (this.state.push(bytes) != PushResult.QUEUED) {
			throw new MessagingException(message,
					"Connection " + getConnectionId() + " is closed or its queue is full");
		}
	}

	/** Not used: the event loop reads, and hands units to the handler itself. */
	@Override
	public Object getPayload() {
		throw new UnsupportedOperationException("An event loop reads this connection");
	}

	@Override
	public int getPort() {
		return this.state.remotePort();
	}

	@Override
	public Object getDeserializerStateKey() {
		return this.decoder;
	}

	@Override
	public SSLSession getSslSession() {
		LoopTls current = this.tls;
		return (current != null && current.established()) ? current.session() : null;
	}

	@Override
	public void shutdownInput() throws IOException {
		this.channel.shutdownInput();
	}

	@Override
	public void shutdownOutput() throws IOException {
		this.channel.shutdownOutput();
	}

}
