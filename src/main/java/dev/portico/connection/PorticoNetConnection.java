package dev.portico.connection;

import java.io.IOException;
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

	PorticoNetConnection(Socket socket, TcpServer server, String factoryName) {
		super(socket, true, false, server.eventPublisher(), factoryName);
		this.server = server;
		this.reader = server.handler().newReader();
		this.remote = socket.getInetAddress();
		this.state = new ConnectionState(this, socket.getInetAddress().getHostAddress() + ":" + socket.getPort(),
				server.stats(), server.settings().maxQueuedBytes());
	}

	ConnectionState state() {
		return this.state;
	}

	InetAddress remoteInetAddress() {
		return this.remote;
	}

	@Override
	public Object getPayload() {
		try {
			Object unit = this.reader.read(inputStream());
			this.state.received(this.server.handler().sizeOf(unit));
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
