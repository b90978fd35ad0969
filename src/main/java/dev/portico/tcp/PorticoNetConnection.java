package dev.portico.tcp;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * A blocking connection that carries its own per-connection state: a {@link FrameReader}
 * (with its buffer or decoder) and the {@link ConnectionState} figures. Reading goes
 * through the reader instead of the factory-wide deserializer, and read failures end the
 * connection quietly after being counted once, instead of being logged as errors by
 * Spring Integration.
 *
 * <p>
 * On an edge-ready listener (PROXY protocol or TLS) the connection is first set up on its
 * own thread ({@link ConnectionSetup}); from then on it reads and writes through what the
 * set-up gave (the TLS socket's streams), and a close on its own thread sends TLS's
 * close_notify before the socket closes.
 *
 * @param <T> what the reader returns
 */
final class PorticoNetConnection<T> extends TcpNetConnection {

	private final TcpServer<T> server;

	private final FrameReader<T> reader;

	private final ConnectionState state;

	private final Socket socket;

	private final ReentrantLock sendLock = new ReentrantLock();

	private InputStream counting;

	/** Set up on the connection's thread before it is published; null for plain TCP. */
	private volatile ConnectionSetup.Transport transport;

	private volatile Thread readerThread;

	PorticoNetConnection(Socket socket, TcpServer<T> server, String factoryName) {
		super(socket, true, false, server.shared().eventPublisher(), factoryName);
		this.server = server;
		this.socket = socket;
		this.state = new ConnectionState(this, socket.getInetAddress(), socket.getPort(), server);
		this.reader = server.handler().newReader(this.state);
	}

	ConnectionState state() {
		return this.state;
	}

	InetAddress remoteInetAddress() {
		return this.state.remoteInetAddress();
	}

	/**
	 * Write a {@code byte[]} payload to the socket in one call. Spring Integration's send
	 * wraps the socket in a {@code BufferedOutputStream} sized to the socket's send
	 * buffer (hundreds of KiB on Linux) per connection, and copies every payload through
	 * it: for many connections that buffer was most of the memory, and the copy was
	 * wasted since a payload is whole.
	 */
	@Override
	public void send(Message<?> message) {
		byte[] bytes = (byte[]) message.getPayload();
		this.sendLock.lock();
		try {
			ConnectionSetup.Transport current = this.transport;
			((current != null) ? current.out() : this.socket.getOutputStream()).write(bytes);
		}
		catch (IOException ex) {
			MessagingException failure = new MessagingException(message, "Send failed", ex);
			publishConnectionExceptionEvent(failure);
			closeConnection(true);
			throw failure;
		}
		finally {
			this.sendLock.unlock();
		}
	}

	/**
	 * Sets the connection up (PROXY protocol header, admission by address, TLS handshake)
	 * where its listener asks for it, then reads as Spring Integration does.
	 */
	@Override
	public void run() {
		this.readerThread = Thread.currentThread();
		if (!this.server.setUp(this)) {
			close();
			return;
		}
		super.run();
	}

	/** What the set-up gave; called once, on the connection's thread. */
	void transport(ConnectionSetup.Transport transport) {
		this.transport = transport;
	}

	Socket socket() {
		return this.socket;
	}

	@Override
	protected InputStream inputStream() throws IOException {
		ConnectionSetup.Transport current = this.transport;
		return (current != null) ? current.in() : super.inputStream();
	}

	@Override
	public SSLSession getSslSession() {
		ConnectionSetup.Transport current = this.transport;
		return (current != null && current.tls() != null) ? current.tls().getSession() : null;
	}

	/**
	 * Closes the socket. A TLS connection closed on its own thread while nothing is being
	 * written (after an answer, at the peer's end of stream) first sends close_notify,
	 * the watchdog's write timeout covering that write; from any other thread (the
	 * watchdog, an operator, a stopping listener) the socket closes at once, which also
	 * frees a writer blocked on a peer that does not read.
	 */
	@Override
	public void close() {
		ConnectionSetup.Transport current = this.transport;
		if (current != null && current.tls() != null && Thread.currentThread() == this.readerThread
				&& !this.socket.isClosed() && this.sendLock.tryLock()) {
			try {
				this.state.writing(true);
				current.tls().close();
			}
			catch (IOException ex) {
				// the socket closes below anyway
			}
			finally {
				this.state.writing(false);
				this.sendLock.unlock();
			}
		}
		super.close();
	}

	@Override
	public Object getPayload() {
		if (this.state.closeReason() != null) {
			// Portico closed it (after a bad frame, an answer, a timeout): the read loop
			// ends here, whatever the reader still holds (a decoder's sticky failure
			// would otherwise be handed out again and again)
			throw new SoftEndOfStreamException("Closed by Portico: " + this.state.closeReason());
		}
		try {
			T unit = this.reader.read(countingStream());
			this.state.receivedMessage();
			return unit;
		}
		catch (EOFException | SoftEndOfStreamException ex) {
			if (isOpen() && this.state.closeReason() == null) {
				this.server.handler().onEndOfStream(this.state);
			}
			throw (ex instanceof SoftEndOfStreamException soft) ? soft
					: new SoftEndOfStreamException("Stream closed between frames", ex);
		}
		catch (IOException ex) {
			if (isOpen() && this.state.closeReason() == null) {
				this.server.readFailed(this.state, ex);
			}
			throw new SoftEndOfStreamException("Read ended: " + ex.getMessage(), ex);
		}
	}

	private InputStream countingStream() throws IOException {
		if (this.counting == null) {
			this.counting = new CountingInputStream(inputStream(), this.state);
		}
		return this.counting;
	}

	/** Counts every byte read from the socket, whatever the framing. */
	private static final class CountingInputStream extends FilterInputStream {

		private final ConnectionState state;

		CountingInputStream(InputStream in, ConnectionState state) {
			super(in);
			this.state = state;
		}

		@Override
		public int read() throws IOException {
			int b = this.in.read();
			if (b >= 0) {
				this.state.receivedBytes(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = this.in.read(buffer, offset, length);
			if (n > 0) {
				this.state.receivedBytes(n);
			}
			return n;
		}

	}

}
