package dev.portico.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS for one connection on its event loop: a server-mode {@link SSLEngine} driven
 * without blocking, as Netty's {@code SslHandler} does on its event loop, where the
 * threaded engine layers an {@code SSLSocket} over a blocking socket and spends a thread
 * and about twice the CPU per message. Records read from the socket are unwrapped into
 * application bytes for the listener's decoder; application bytes are wrapped into
 * records and written. The handshake advances as its records arrive (its delegated tasks
 * run inline), and the connection is told once it is established.
 *
 * <p>
 * Records read wait in a per-connection buffer until whole; records wrapped but not yet
 * taken by the socket wait in another, and the caller writes them once the socket is
 * writable again. Unwrapped bytes go through a buffer the caller lends (the loop's read
 * buffer: a TLS connection reads its records elsewhere). Touched by the loop's thread
 * only.
 */
final class LoopTls {

	/** Takes the application bytes of a record, valid only during the call. */
	@FunctionalInterface
	interface Receiver {

		void application(byte[] bytes, int offset, int length);

	}

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	/** The most records' worth of bytes held unread. */
	private static final int MAX_RECORDS_HELD = 4;

	private final SSLEngine engine;

	private final SocketChannel channel;

	private final ByteBuffer lent;

	private final Receiver receiver;

	private final Runnable onEstablished;

	/** Records read and not yet unwrapped, kept ready for filling. */
	private ByteBuffer netIn;

	/** Records wrapped and not yet written, kept ready for draining. */
	private ByteBuffer netOut;

	/** Where records are unwrapped when the lent buffer is too small; rarely needed. */
	private ByteBuffer ownApplication;

	private boolean established;

	private boolean receivedAny;

	private boolean inboundClosed;

	/**
	 * @param engine a server-mode engine, configured
	 * @param channel the connection's socket
	 * @param lent where records are unwrapped, lent for the duration of each call
	 * @param receiver takes the application bytes
	 * @param onEstablished runs once, when the handshake has finished
	 */
	LoopTls(SSLEngine engine, SocketChannel channel, ByteBuffer lent, Receiver receiver, Runnable onEstablished)
			throws SSLException {
		this.engine = engine;
		this.channel = channel;
		this.lent = lent;
		this.receiver = receiver;
		this.onEstablished = onEstablished;
		int packet = engine.getSession().getPacketBufferSize();
		this.netIn = ByteBuffer.allocate(packet);
		this.netOut = ByteBuffer.allocate(packet);
		this.netOut.flip();
		engine.beginHandshake();
	}

	/** Whether the handshake has finished. */
	boolean established() {
		return this.established;
	}

	/** Whether the peer has sent any byte at all (a health check sends none). */
	boolean receivedAny() {
		return this.receivedAny;
	}

	/** Whether the peer closed its side of TLS (close_notify): its end of stream. */
	boolean inboundClosed() {
		return this.inboundClosed;
	}

	SSLSession session() {
		return this.engine.getSession();
	}

	/**
	 * Room for the next read, made if there is none: up to a few records, which is all a
	 * peer can have in flight while its records are unwrapped as they arrive (reading
	 * stops while records of ours wait for the socket).
	 * @throws SSLException if unread records would need more
	 */
	int room() throws SSLException {
		if (!this.netIn.hasRemaining()) {
			if (this.netIn.capacity() >= MAX_RECORDS_HELD * this.engine.getSession().getPacketBufferSize()) {
				throw new SSLException("more than " + this.netIn.capacity() + " bytes of TLS records arrived"
						+ " unread: the peer sends without waiting for the handshake");
			}
			this.netIn = grow(this.netIn, true);
		}
		return this.netIn.remaining();
	}

	/**
	 * Read records from the socket; {@link #process()} unwraps them.
	 * @return the bytes read, {@code -1} at the end of the stream
	 */
	int read() throws IOException {
		room();
		int n = this.channel.read(this.netIn);
		if (n > 0) {
			this.receivedAny = true;
		}
		return n;
	}

	/**
	 * Records read before TLS began (behind a PROXY header, in the same segment):
	 * processed as if read now.
	 */
	void feed(byte[] bytes) throws IOException {
		int at = 0;
		while (at < bytes.length && !this.inboundClosed) {
			int n = Math.min(room(), bytes.length - at);
			this.netIn.put(bytes, at, n);
			at += n;
			this.receivedAny = true;
			process();
		}
	}

	/**
	 * Unwrap every whole record read, handing application bytes on, and take the
	 * handshake as far as it goes, writing what it sends. If the socket does not take it
	 * all, {@link #hasOutput()} says so; {@link #flush()} writes the rest, then call this
	 * again to go on.
	 * @throws SSLException if the peer's records are refused (a failed handshake)
	 * @throws IOException if writing the handshake fails
	 */
	void process() throws IOException {
		this.netIn.flip();
		try {
			while (true) {
				HandshakeStatus status = this.engine.getHandshakeStatus();
				if (status == HandshakeStatus.NEED_TASK) {
					runTasks();
					continue;
				}
				if (status == HandshakeStatus.NEED_WRAP) {
					if (!wrap(EMPTY)) {
						return;
					}
					continue;
				}
				if (!this.netIn.hasRemaining() || this.inboundClosed) {
					return;
				}
				ByteBuffer application = applicationBuffer();
				application.clear();
				SSLEngineResult result = this.engine.unwrap(this.netIn, application);
				if (application.position() > 0) {
					this.receiver.application(application.array(), application.arrayOffset(), application.position());
				}
				switch (result.getStatus()) {
					case BUFFER_UNDERFLOW -> {
						// part of a record: wait for the rest, in a buffer it fits in
						if (this.netIn.limit() == this.netIn.capacity() && this.netIn.position() == 0) {
							this.netIn = grow(this.netIn, false);
						}
						return;
					}
					case BUFFER_OVERFLOW -> this.ownApplication = ByteBuffer.allocate(
							Math.max(2 * application.capacity(), this.engine.getSession().getApplicationBufferSize()));
					case CLOSED -> {
						this.inboundClosed = true;
						return;
					}
					default -> {
						checkEstablished(result);
						if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
								&& this.engine.getHandshakeStatus() == status) {
							return;
						}
					}
				}
			}
		}
		finally {
			this.netIn.compact();
		}
	}

	/**
	 * Wrap application bytes (or, from an empty source, what the handshake or a close
	 * sends) into records and write them.
	 * @param source the bytes; what is wrapped is consumed
	 * @return whether everything wrapped was written; if not, write the rest with
	 * {@link #flush()} once the socket is writable, then wrap the rest of the source
	 */
	boolean wrap(ByteBuffer source) throws IOException {
		do {
			if (!flush()) {
				return false;
			}
			this.netOut.clear();
			SSLEngineResult result;
			try {
				result = this.engine.wrap(source, this.netOut);
			}
			finally {
				this.netOut.flip();
			}
			switch (result.getStatus()) {
				case BUFFER_OVERFLOW -> {
					this.netOut = ByteBuffer
						.allocate(Math.max(2 * this.netOut.capacity(), this.engine.getSession().getPacketBufferSize()));
					this.netOut.flip();
				}
				case CLOSED -> {
					if (source.hasRemaining()) {
						throw new SSLException("TLS is closed: " + source.remaining() + " bytes cannot be sent");
					}
					return flush();
				}
				default -> checkEstablished(result);
			}
			if (this.engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
				runTasks();
			}
		}
		while (source.hasRemaining() || this.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
		return flush();
	}

	/**
	 * Write records wrapped earlier.
	 * @return whether none is left
	 */
	boolean flush() throws IOException {
		while (this.netOut.hasRemaining()) {
			if (this.channel.write(this.netOut) == 0) {
				return false;
			}
		}
		return true;
	}

	/** Whether wrapped records wait for the socket. */
	boolean hasOutput() {
		return this.netOut.hasRemaining();
	}

	/**
	 * Best effort, without waiting: close_notify on a closing connection, or the alert
	 * that says why a handshake failed, written if the socket takes it now.
	 */
	void closeOutbound() {
		try {
			this.engine.closeOutbound();
			wrap(EMPTY);
		}
		catch (IOException | RuntimeException ex) {
			// the socket closes anyway
		}
	}

	private void checkEstablished(SSLEngineResult result) {
		if (!this.established && (result.getHandshakeStatus() == HandshakeStatus.FINISHED
				|| this.engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING)) {
			this.established = true;
			this.onEstablished.run();
		}
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

	private ByteBuffer applicationBuffer() {
		return (this.ownApplication != null) ? this.ownApplication : this.lent;
	}

	/** A larger buffer holding the same bytes, ready for filling ({@code filling}). */
	private ByteBuffer grow(ByteBuffer buffer, boolean filling) {
		int size = Math.max(2 * buffer.capacity(), this.engine.getSession().getPacketBufferSize());
		ByteBuffer grown = ByteBuffer.allocate(size);
		if (!filling) {
			// a flipped buffer: its bytes from position to limit
			grown.put(buffer);
			buffer.position(0).limit(0);
			// the caller compacts the old one: hand the new one over in filling mode,
			// flipped so that compact() leaves it ready for filling
			grown.flip();
			return grown;
		}
		buffer.flip();
		grown.put(buffer);
		return grown;
	}

}
