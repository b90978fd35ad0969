package dev.portico.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

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

	PorticoNetConnection(Socket socket, TcpServer server, String factoryName) {
		super(socket, true, false, server.eventPublisher(), factoryName);
		this.server = server;
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
		catch (SocketTimeoutException ex) {
			this.server.closedIdle(this.state);
			throw new SoftEndOfStreamException("Idle timeout", ex);
		}
		catch (IOException ex) {
			if (isOpen() && this.state.closeReason() == null) {
				this.server.readFailed(this.state, ex);
			}
			throw new SoftEndOfStreamException("Read ended: " + ex.getMessage(), ex);
		}
	}

}
