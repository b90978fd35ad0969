package dev.portico.tcp;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.integration.ip.tcp.connection.TcpNioServerConnectionFactory;

/**
 * Spring Integration's NIO server connection factory, accepting for the event-loop
 * engine: the factory's lifecycle, listening event and selection processing stay Spring
 * Integration's; each accepted channel becomes a {@link LoopConnection}, is initialised
 * by the factory (listener, senders: the {@link TcpServer} admits or refuses it there)
 * and joins one of the shared {@link EventLoops} instead of the factory's own read path
 * (a selector thread handing every read to an executor, then to an assembler thread).
 *
 * <p>
 * The server channel is bound by Portico before the factory starts, so a port that cannot
 * be bound fails the listener's start at once with the cause.
 */
final class LoopAcceptor extends TcpNioServerConnectionFactory {

	private final ServerSocketChannel boundChannel;

	private final Selector acceptSelector;

	private final TcpServer<?> server;

	private final EventLoops loops;

	private final CountDownLatch acceptLoopEnded = new CountDownLatch(1);

	LoopAcceptor(ServerSocketChannel boundChannel, TcpServer<?> server, EventLoops loops) throws IOException {
		super(boundChannel.socket().getLocalPort());
		this.boundChannel = boundChannel;
		this.server = server;
		this.loops = loops;
		boundChannel.configureBlocking(false);
		this.acceptSelector = Selector.open();
		boundChannel.register(this.acceptSelector, SelectionKey.OP_ACCEPT);
	}

	int boundPort() {
		return this.boundChannel.socket().getLocalPort();
	}

	/**
	 * The factory's accept loop on the already bound channel: Spring Integration's
	 * selection processing calls {@link #doAccept} when connections wait.
	 */
	@Override
	public void run() {
		try {
			setListening(true);
			publishServerListeningEvent(boundPort());
			while (isActive()) {
				int selected = this.acceptSelector.select();
				if (!isActive()) {
					break;
				}
				// no connection lives on this selector: only the server channel
				processNioSelections(selected, this.acceptSelector, this.boundChannel, Map.of());
			}
		}
		catch (IOException | ClosedSelectorException ex) {
			if (isActive()) {
				logger.error(ex, "Accepting stopped on port " + boundPort());
				publishServerExceptionEvent(ex);
			}
		}
		finally {
			setListening(false);
			this.acceptLoopEnded.countDown();
		}
	}

	/** Take every connection waiting, each to the next event loop. */
	@Override
	protected void doAccept(Selector selector, ServerSocketChannel serverChannel, long now) {
		while (isActive()) {
			SocketChannel channel;
			try {
				channel = serverChannel.accept();
			}
			catch (IOException ex) {
				// out of descriptors, or the peer gave up before accept: try again on the
				// next selection
				logger.debug(ex, "accept failed");
				return;
			}
			if (channel == null) {
				return;
			}
			accepted(channel);
		}
	}

	private void accepted(SocketChannel channel) {
		try {
			channel.configureBlocking(false);
			setSocketAttributes(channel.socket());
			LoopConnection<?> connection = new LoopConnection<>(channel, this.loops.next(), this.server,
					getComponentName());
			// listener and senders: the server admits the connection here, or closes it
			initializeConnection(connection, channel.socket());
			if (connection.isOpen()) {
				connection.loop().execute(connection);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.error(ex, "Failed to set up a connection accepted on port " + boundPort());
			try {
				channel.close();
			}
			catch (IOException closing) {
				// nothing more to do
			}
		}
	}

	/**
	 * Stop accepting and wait until the accept loop has left, so the port is free when
	 * this returns. Connections are the server's to close.
	 */
	@Override
	public void stop() {
		setActive(false);
		try {
			this.acceptSelector.close();
		}
		catch (IOException ex) {
			// closing to stop
		}
		try {
			this.boundChannel.close();
		}
		catch (IOException ex) {
			// closing to stop
		}
		try {
			this.acceptLoopEnded.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		super.stop();
	}

}
