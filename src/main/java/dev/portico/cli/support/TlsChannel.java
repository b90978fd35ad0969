package dev.portico.cli.support;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over one non-blocking {@link SocketChannel}, for selector-driven clients: an
 * {@link SSLEngine} with its network buffers. The caller drives it from readiness events:
 * {@link #handshake} until it answers true, then {@link #read} and {@link #write} in
 * place of the channel's own, asking for {@code OP_WRITE} while
 * {@link #hasPendingOutput()}. Delegated tasks run inline (the engine's own work, on the
 * selector thread).
 */
public final class TlsChannel {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final SSLEngine engine;

	/** Received, not yet unwrapped; write mode. */
	private ByteBuffer netIn;

	/** Wrapped, not yet written; write mode. */
	private ByteBuffer netOut;

	private boolean handshaking;

	private boolean closed;

	public TlsChannel(SSLEngine engine) {
		this.engine = engine;
		SSLSession session = engine.getSession();
		this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
		this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
	}

	/**
	 * Starts or goes on with the handshake.
	 * @return true once it is finished (then read and write)
	 * @throws SSLException if the server is refused or refuses
	 * @throws EOFException if the server closed during the handshake
	 */
	public boolean handshake(SocketChannel channel) throws IOException {
		if (!this.handshaking) {
			this.engine.beginHandshake();
			this.handshaking = true;
		}
		while (true) {
			HandshakeStatus status = this.engine.getHandshakeStatus();
			switch (status) {
				case NEED_WRAP -> {
					wrap(EMPTY);
					if (!flush(channel)) {
						return false;
					}
				}
				case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
					if (!unwrapHandshake(channel)) {
						return false;
					}
				}
				case NEED_TASK -> runTasks();
				default -> {
					// FINISHED or NOT_HANDSHAKING: done once the last flight is out
					return flush(channel);
				}
			}
		}
	}

	/** The session, once the handshake is done. */
	public SSLSession session() {
		return this.engine.getSession();
	}

	/**
	 * Reads what the channel has and unwraps it into {@code dst} (write mode).
	 * @return application bytes added to {@code dst}, or -1 at the end of the stream
	 */
	public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
		int n = (this.netIn.hasRemaining()) ? channel.read(this.netIn) : 0;
		int produced = unwrapInto(channel, dst);
		if (produced == 0 && (n < 0 || this.closed)) {
			return -1;
		}
		return produced;
	}

	/**
	 * Whether received bytes are still held: call {@link #read} again before waiting for
	 * the channel (the last call stopped because {@code dst} was full).
	 */
	public boolean hasBufferedInput() {
		return this.netIn.position() > 0 && !this.closed;
	}

	/**
	 * Wraps application bytes of {@code src} (read mode, as for a channel's write) and
	 * writes them.
	 * @return application bytes taken from {@code src}
	 */
	public int write(SocketChannel channel, ByteBuffer src) throws IOException {
		int taken = 0;
		while (flush(channel) && src.hasRemaining()) {
			taken += wrap(src).bytesConsumed();
		}
		return taken;
	}

	/** Whether wrapped bytes wait for the channel to take them (ask for OP_WRITE). */
	public boolean hasPendingOutput() {
		return this.netOut.position() > 0;
	}

	private boolean unwrapHandshake(SocketChannel channel) throws IOException {
		ByteBuffer none = ByteBuffer.allocate(this.engine.getSession().getApplicationBufferSize());
		this.netIn.flip();
		SSLEngineResult result;
		try {
			result = this.engine.unwrap(this.netIn, none);
		}
		finally {
			this.netIn.compact();
		}
		if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
				|| (result.bytesConsumed() == 0 && result.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP)) {
			growIfFull();
			int n = channel.read(this.netIn);
			if (n < 0) {
				throw new EOFException("the server closed the connection during the TLS handshake");
			}
			return n > 0 && unwrapHandshake(channel);
		}
		if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
			throw new EOFException("the server closed the TLS session during the handshake");
		}
		return true;
	}

	private int unwrapInto(SocketChannel channel, ByteBuffer dst) throws IOException {
		int produced = 0;
		this.netIn.flip();
		try {
			while (this.netIn.hasRemaining() && !this.closed) {
				SSLEngineResult result = this.engine.unwrap(this.netIn, dst);
				produced += result.bytesProduced();
				if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
					runTasks();
				}
				if (result.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
					// a post-handshake message to answer (a key update)
					wrap(EMPTY);
					flush(channel);
				}
				switch (result.getStatus()) {
					case CLOSED -> this.closed = true;
					case BUFFER_UNDERFLOW, BUFFER_OVERFLOW -> {
						return produced;
					}
					default -> {
						if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
							return produced;
						}
					}
				}
			}
			return produced;
		}
		finally {
			this.netIn.compact();
			growIfFull();
		}
	}

	private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
		while (true) {
			SSLEngineResult result = this.engine.wrap(src, this.netOut);
			if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
				if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
					runTasks();
				}
				return result;
			}
			ByteBuffer larger = ByteBuffer.allocate(this.netOut.capacity() * 2);
			this.netOut.flip();
			larger.put(this.netOut);
			this.netOut = larger;
		}
	}

	/** Writes wrapped bytes; true when none are left. */
	private boolean flush(SocketChannel channel) throws IOException {
		if (this.netOut.position() > 0) {
			this.netOut.flip();
			try {
				channel.write(this.netOut);
			}
			finally {
				this.netOut.compact();
			}
		}
		return this.netOut.position() == 0;
	}

	private void growIfFull() {
		if (!this.netIn.hasRemaining()) {
			ByteBuffer larger = ByteBuffer.allocate(this.netIn.capacity() * 2);
			this.netIn.flip();
			larger.put(this.netIn);
			this.netIn = larger;
		}
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

}
