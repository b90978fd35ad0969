package dev.portico.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * A blocking connection that carries its own per-connection state: a {@link FrameReader} (with
 * its buffer) and the {@link ConnectionState} figures. Reading goes through the reader instead
 * of the factory-wide deserializer, and read failures end the connection quietly after being
 * counted once, instead of being logged as errors by Spring Integration.
 */
final class PorticoNetConnection extends TcpNetConnection {

	private final TcpServer server;

	private final FrameReader reader;

	private final ConnectionState state;

	private final InetAddress remote;

	private InputStream counting;

	private final Socket socket;

	private final ReentrantLock sendLock = new ReentrantLock();

	PorticoNetConnection(Socket socket, TcpServer server, String factoryName) {
		super(socket, true, false, server.eventPublisher(), factoryName);
		this.server = server;
		this.socket = socket;
		this.remote = socket.getInetAddress();
		this.state = new ConnectionState(this, socket.getInetAddress().getHostAddress() + ":" + socket.getPort(),
				server.stats(), server.settings().maxQueuedBytes(), server.budget());
		this.reader = server.handler().newReader(this.state);
	}

	ConnectionState state() {
		return this.state;
	}

	InetAddress remoteInetAddress() {
		return this.remote;
	}

	/**
	 * Write a {@code byte[]} payload to the socket in one call. Spring Integration's send wraps
	 * the socket in a {@code BufferedOutputStream} sized to the socket's send buffer (hundreds of
	 * KiB on Linux) per connection, and copies every payload through it: for many connections
	 * that buffer was most of the memory, and the copy was wasted since a payload is whole.
	 */
	@Override
	public void send(Message<?> message) {
		byte[] bytes = (byte[]) message.getPayload();
		this.sendLock.lock();
		try {
			this.socket.getOutputStream().write(bytes);
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

	@Override
	public Object getPayload() {
		try {
			Object unit = this.reader.read(countingStream());
			this.state.receivedMessage();
			return unit;
		}
		catch (SoftEndOfStreamException ex) {
			if (isOpen() && this.state.closeReason() == null) {
				this.server.handler().onEndOfStream(this.state);
			}
			throw ex;
		}
		catch (IOException ex) {
			if (isOpen() && this.state.closeReason() == null) {
				this.server.readFailed(this.state, ex);
			}
			throw new SoftEndOfStreamException("Read ended: " + ex.getMessage(), ex);
		}
	}

}
