package dev.portico.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpListener;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpSender;
import org.springframework.integration.ip.tcp.serializer.ByteArrayRawSerializer;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerLog;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerStatus;
import dev.portico.listener.PorticoHeaders;
import dev.portico.listener.RejectReason;
import dev.portico.listener.TrafficStats;

import static dev.portico.listener.Throwables.rootMessage;

/**
 * One TCP listener's server on Spring Integration's blocking (NET) connection factory: a
 * thread per connection (virtual on Java 21+), the listener type's
 * {@link ConnectionHandler} called on it with what its {@link FrameReader} read.
 *
 * <p>
 * What is Spring Integration's and what is Portico's: the factory accepts, creates each
 * {@code TcpConnection}, runs its read loop on the given executor and publishes the
 * connection events; Portico binds the server socket itself (so a port that cannot be
 * bound fails {@link #start()} at once with the cause, where the factory alone only logs
 * it), reads through the handler's reader instead of a factory-wide deserializer, and
 * writes straight to the socket or through each connection's bounded queue (Spring
 * Integration's send blocks without limit on a peer that does not read). Messages reach
 * the listener's inbound channel only when one is configured, so the echo path builds no
 * message objects for nobody.
 *
 * <p>
 * On a listener with the PROXY protocol or TLS on ({@link EdgeOptions}), a new connection
 * is first set up ({@link ConnectionSetup}, on its own thread or its event loop): it is
 * held apart ({@link #settingUp()}, timed by the watchdog, counted against
 * {@code max-connections}) and joins {@link #connections()} (the API, pushes, the
 * outbound channel) only once its peer is known and its TLS session established.
 *
 * <p>
 * On the event-loop engine ({@link TcpEngine}) Spring Integration's NIO factory accepts
 * instead ({@link LoopAcceptor}) and shared {@link EventLoops} read and write the
 * connections; the rest of this class (admission, the connection map, the watchdog, push
 * and broadcast, the channels) serves both engines.
 *
 * @param <T> what the handler's reader returns
 */
public final class TcpServer<T> implements ListenerRuntime, TcpContext, TcpListener, TcpSender {

	static final String STATE_HEADER = "portico_connection";

	private static final Log logger = LogFactory.getLog(TcpServer.class);

	private final ListenerContext listener;

	private final TcpOptions options;

	private final EdgeOptions edge;

	private final TcpServers shared;

	private final ConnectionHandler<T> handler;

	private final AcceptPolicy acceptPolicy;

	private final Watchdog watchdog;

	private final Map<String, ConnectionState> connections = new ConcurrentHashMap<>();

	/** Connections still being set up; null when the listener sets nothing up. */
	private final ConnectionSetup setup;

	private final Map<String, ConnectionState> settingUp = new ConcurrentHashMap<>();

	private final MessageHandler outbound = this::sendOutbound;

	private volatile ConnectionThreads executor;

	private volatile Factory factory;

	private volatile ScheduledFuture<?> sweeping;

	private final boolean onEventLoop;

	private volatile LoopAcceptor acceptor;

	TcpServer(ListenerContext listener, TcpOptions options, EdgeOptions edge, TcpServers shared,
			Function<TcpContext, ConnectionHandler<T>> handlerFactory) {
		this.listener = listener;
		this.options = options;
		this.edge = edge;
		this.shared = shared;
		this.acceptPolicy = new AcceptPolicy(options, shared.connectionLimit());
		this.watchdog = new Watchdog(this, options, edge);
		this.setup = ConnectionSetup.of(this, edge, shared.tlsContexts());
		this.handler = handlerFactory.apply(this);
		this.onEventLoop = shared.servesOnEventLoop(listener, this.handler);
	}

	/** The engine serving this listener's connections. */
	public TcpEngine engine() {
		return this.onEventLoop ? TcpEngine.EVENT_LOOP : TcpEngine.THREADS;
	}

	@Override
	public synchronized int start() throws IOException {
		if (this.acceptor != null) {
			return this.acceptor.boundPort();
		}
		if (this.onEventLoop) {
			return startOnEventLoop();
		}
		if (this.factory != null) {
			return this.factory.boundPort();
		}
		ServerSocket serverSocket = new ServerSocket();
		try {
			serverSocket.setReuseAddress(true);
			serverSocket.bind(new InetSocketAddress(InetAddress.getByName(this.listener.definition().bind()),
					this.listener.definition().port()), this.options.backlog());
		}
		catch (IOException ex) {
			serverSocket.close();
			throw ex;
		}
		ConnectionThreads taskExecutor = new ConnectionThreads("portico-" + name() + "-",
				this.shared.platformThreads());
		Factory newFactory = new Factory(serverSocket);
		newFactory.setTaskExecutor(taskExecutor);
		newFactory.setApplicationEventPublisher(this.shared.eventPublisher());
		newFactory.setBeanFactory(this.shared.beanFactory());
		newFactory.setBeanName("portico." + name());
		// no socket timeout: the watchdog closes idle connections, so a blocking read
		// parks
		// without a timer (a timed park per read was measurable on virtual threads)
		newFactory.setSoTimeout(0);
		newFactory.setSoTcpNoDelay(true);
		newFactory.setBacklog(this.options.backlog());
		newFactory.setSerializer(new ByteArrayRawSerializer());
		newFactory.setMapper(new LeanMapper());
		newFactory.setTcpNetConnectionSupport((socket, server, lookupHost, publisher,
				factoryName) -> new PorticoNetConnection<>(socket, this, factoryName));
		newFactory.registerListener(this);
		newFactory.registerSender(this);
		newFactory.afterPropertiesSet();
		this.acceptPolicy.reset();
		this.executor = taskExecutor;
		this.factory = newFactory;
		newFactory.start();
		this.sweeping = this.watchdog.schedule(this.shared.scheduler());
		SubscribableChannel channel = this.listener.outboundChannel();
		if (channel != null) {
			channel.subscribe(this.outbound);
		}
		return serverSocket.getLocalPort();
	}

	@Override
	public synchronized void stop() {
		if (this.acceptor != null) {
			stopOnEventLoop();
			return;
		}
		Factory current = this.factory;
		if (current == null) {
			return;
		}
		SubscribableChannel channel = this.listener.outboundChannel();
		if (channel != null) {
			channel.unsubscribe(this.outbound);
		}
		this.sweeping.cancel(false);
		// a handshake cut short by the stop is not a TLS failure
		this.settingUp.values().forEach((state) -> state.close(CloseReason.STOPPED));
		current.stop();
		current.awaitAcceptLoopEnd();
		// connections are closed, so their threads are ending: let idle pooled threads go
		// too
		this.executor.shutdown();
		this.factory = null;
		this.executor = null;
	}

	private int startOnEventLoop() throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		LoopAcceptor newAcceptor;
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(new InetSocketAddress(InetAddress.getByName(this.listener.definition().bind()),
					this.listener.definition().port()), this.options.backlog());
			newAcceptor = new LoopAcceptor(channel, this, this.shared.eventLoops());
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		newAcceptor.setTaskExecutor(new SimpleAsyncTaskExecutor("portico-" + name() + "-accept-"));
		newAcceptor.setApplicationEventPublisher(this.shared.eventPublisher());
		newAcceptor.setBeanFactory(this.shared.beanFactory());
		newAcceptor.setBeanName("portico." + name());
		newAcceptor.setSoTcpNoDelay(true);
		newAcceptor.setBacklog(this.options.backlog());
		newAcceptor.registerListener(this);
		newAcceptor.registerSender(this);
		newAcceptor.afterPropertiesSet();
		this.acceptPolicy.reset();
		this.acceptor = newAcceptor;
		newAcceptor.start();
		logger.debug("Listener '" + name() + "' serves its connections on " + this.shared.eventLoops().size()
				+ " event loop(s)");
		this.sweeping = this.watchdog.schedule(this.shared.scheduler());
		SubscribableChannel channelOut = this.listener.outboundChannel();
		if (channelOut != null) {
			channelOut.subscribe(this.outbound);
		}
		return newAcceptor.boundPort();
	}

	private void stopOnEventLoop() {
		SubscribableChannel channel = this.listener.outboundChannel();
		if (channel != null) {
			channel.unsubscribe(this.outbound);
		}
		this.sweeping.cancel(false);
		this.acceptor.stop();
		// a handshake cut short by the stop is not a TLS failure
		this.settingUp.values().forEach((state) -> state.close(CloseReason.STOPPED));
		for (ConnectionState connection : this.connections.values()) {
			connection.close(CloseReason.STOPPED);
		}
		this.acceptor = null;
	}

	/**
	 * Stop taking new connections; open ones go on (the first step of a graceful drain).
	 * The socket stays bound until {@link #stop()}, so a client that connects meanwhile
	 * is closed at once and counted as rejected with reason {@code draining}, not left to
	 * a refused SYN.
	 */
	@Override
	public void stopAccepting() {
		this.acceptPolicy.drain();
	}

	@Override
	public void awaitDrained(long deadlineNanos) throws InterruptedException {
		for (ConnectionState connection : this.connections.values()) {
			long left = deadlineNanos - System.nanoTime();
			if (left <= 0 || !connection.queue().awaitEmpty(left, TimeUnit.NANOSECONDS)) {
				return;
			}
		}
	}

	@Override
	public String name() {
		return this.listener.name();
	}

	@Override
	public ListenerLog log() {
		return this.listener.log();
	}

	@Override
	public MessageChannel inboundChannel() {
		return this.listener.inboundChannel();
	}

	@Override
	public Collection<ConnectionState> connections() {
		return Collections.unmodifiableCollection(this.connections.values());
	}

	@Override
	public Optional<ConnectionState> connection(String id) {
		return Optional.ofNullable(this.connections.get(id));
	}

	@Override
	public ListenerStatus.Tls tls() {
		if (!this.edge.tls()) {
			return null;
		}
		EdgeOptions.Ssl ssl = this.edge.ssl();
		return new ListenerStatus.Tls(ssl.bundle(), ssl.clientAuth().name().toLowerCase(Locale.ROOT),
				this.shared.tlsContexts().get(ssl.bundle()).enabledProtocols(),
				ssl.handshakeTimeout().toMillis() + "ms");
	}

	@Override
	public ListenerStatus.ProxyProtocol proxyProtocol() {
		if (this.edge.proxyProtocol() == EdgeOptions.ProxyProtocol.OFF) {
			return null;
		}
		return new ListenerStatus.ProxyProtocol(this.edge.proxyProtocol().name().toLowerCase(Locale.ROOT),
				this.edge.proxyTrustedFrom().stream().map(String::trim).toList());
	}

	@Override
	public boolean closeConnection(String id) {
		ConnectionState state = this.connections.get(id);
		if (state == null) {
			return false;
		}
		state.close(CloseReason.OPERATOR);
		return true;
	}

	/** Queue bytes to one connection; a full queue refuses them. */
	public PushResult push(String connectionId, byte[] bytes) {
		ConnectionState connection = this.connections.get(connectionId);
		return (connection != null) ? connection.push(bytes) : PushResult.NO_SUCH_CONNECTION;
	}

	/** Queue bytes to every open connection; full queues are skipped and counted. */
	public Broadcast broadcast(byte[] bytes) {
		int queued = 0;
		int full = 0;
		for (ConnectionState connection : this.connections.values()) {
			PushResult result = connection.push(bytes);
			if (result == PushResult.QUEUED) {
				queued++;
			}
			else if (result == PushResult.QUEUE_FULL) {
				full++;
			}
		}
		return new Broadcast(queued, full);
	}

	TcpOptions options() {
		return this.options;
	}

	TcpServers shared() {
		return this.shared;
	}

	TrafficStats stats() {
		return this.listener.stats();
	}

	BufferBudget budget() {
		return this.shared.budget();
	}

	ConnectionHandler<T> handler() {
		return this.handler;
	}

	/**
	 * Run a task for a connection (an outbound queue's writer) on this server's threads.
	 */
	void execute(Runnable task) {
		ConnectionThreads current = this.executor;
		if (current == null) {
			throw new IllegalStateException("Listener '" + name() + "' is stopped");
		}
		current.execute(task);
	}

	/** Connections being set up (PROXY header, TLS handshake), live. */
	Collection<ConnectionState> settingUp() {
		return this.settingUp.values();
	}

	@Override
	public void addNewConnection(TcpConnection connection) {
		ConnectionState state = stateOf(connection);
		// addNewConnection runs on the single accept thread, so count-then-add cannot
		// race
		RejectReason refused = this.acceptPolicy.admit(state.id(), this.connections.size() + this.settingUp.size());
		if (refused != null) {
			log().rejected(refused, state.remoteAddress());
			state.close(CloseReason.REJECTED);
			return;
		}
		if (this.setup == null) {
			if (admitAddress(state)) {
				this.connections.put(state.id(), state);
			}
			return;
		}
		// behind a balancer the peer is known only once its PROXY header is read
		if (this.setup.readsProxyHeader() || admitAddress(state)) {
			this.settingUp.put(state.id(), state);
		}
	}

	/**
	 * Admit the connection by its peer's address ({@code max-connections-per-ip}), or
	 * refuse and close it.
	 */
	boolean admitAddress(ConnectionState state) {
		RejectReason refused = this.acceptPolicy.admitAddress(state.id(), state.remoteInetAddress());
		if (refused != null) {
			this.acceptPolicy.release(state.id());
			log().rejected(refused, state.remoteAddress());
			state.close(CloseReason.REJECTED);
			return false;
		}
		stats().accepted();
		return true;
	}

	/**
	 * Sets a new connection up on its own thread, where its listener asks for it; a
	 * connection set up joins the open connections.
	 * @return whether it is ready for its handler; if not, it is closed or to be closed
	 */
	boolean setUp(PorticoNetConnection<?> connection) {
		if (this.setup == null) {
			return true;
		}
		ConnectionState state = connection.state();
		if (state.closeReason() != null) {
			return false;
		}
		ConnectionSetup.Transport transport = this.setup.run(state, connection.socket());
		if (transport == null) {
			return false;
		}
		connection.transport(transport);
		return setUpDone(state);
	}

	/**
	 * A connection set up (on its own thread or its event loop) joins the open
	 * connections.
	 * @return whether it is still open
	 */
	boolean setUpDone(ConnectionState state) {
		this.connections.put(state.id(), state);
		this.settingUp.remove(state.id());
		if (!state.isOpen()) {
			// closed meanwhile: its removal may have missed the move
			forget(state);
			return false;
		}
		return true;
	}

	/** What a new connection goes through first, or {@code null} if nothing. */
	ConnectionSetup setup() {
		return this.setup;
	}

	@Override
	public void removeDeadConnection(TcpConnection connection) {
		forget(stateOf(connection));
	}

	private void forget(ConnectionState state) {
		boolean open = this.connections.remove(state.id()) != null;
		boolean settingUp = this.settingUp.remove(state.id()) != null;
		if (open || settingUp) {
			this.acceptPolicy.release(state.id());
			state.queue().close();
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public void onMessage(Message<?> message) {
		ConnectionState state = (ConnectionState) message.getHeaders().get(STATE_HEADER);
		handle(state, (T) message.getPayload());
	}

	private static ConnectionState stateOf(TcpConnection connection) {
		return (connection instanceof LoopConnection<?> onLoop) ? onLoop.state()
				: ((PorticoNetConnection<?>) connection).state();
	}

	/** Hand one unit read from a connection to the handler (both engines). */
	void handle(ConnectionState state, T unit) {
		MessageChannel inbound = this.listener.inboundChannel();
		if (inbound != null && !this.handler.sendsToInboundChannel()) {
			sendInbound(inbound, state, unit);
		}
		try {
			this.handler.onMessage(state, unit);
		}
		catch (RuntimeException ex) {
			if (state.isOpen() && state.closeReason() == null) {
				log().error(TcpErrorKind.WRITE,
						"closing " + state.remoteAddress() + " after a failed write: " + rootMessage(ex));
			}
			state.close(CloseReason.WRITE_FAILED);
		}
	}

	@Override
	public <U> Message<U> inboundMessage(ConnectionState state, U unit) {
		return MessageBuilder.withPayload(unit)
			.setHeader(IpHeaders.CONNECTION_ID, state.id())
			.setHeader(IpHeaders.IP_ADDRESS, state.remoteInetAddress().getHostAddress())
			.setHeader(IpHeaders.REMOTE_PORT, state.remotePort())
			.setHeader(PorticoHeaders.LISTENER, name())
			.build();
	}

	private void sendInbound(MessageChannel inbound, ConnectionState state, T unit) {
		try {
			inbound.send(inboundMessage(state, unit));
		}
		catch (RuntimeException ex) {
			log().error(TcpErrorKind.CHANNEL,
					"the inbound channel refused a message from " + state.remoteAddress() + ": " + rootMessage(ex));
		}
	}

	/** Writes a message from the outbound channel to the connection its header names. */
	private void sendOutbound(Message<?> message) {
		Object id = message.getHeaders().get(IpHeaders.CONNECTION_ID);
		ConnectionState connection = (id != null) ? this.connections.get(id.toString()) : null;
		if (connection == null) {
			throw new MessageDeliveryException(message,
					"Listener '" + name() + "' has no open connection '" + id + "' (header ip_connectionId)");
		}
		if (connection.push(this.handler.toBytes(message.getPayload())) == PushResult.QUEUE_FULL) {
			throw new MessageDeliveryException(message,
					"Connection '" + id + "' of listener '" + name() + "' has a full queue: its peer is not reading");
		}
	}

	void readFailed(ConnectionState state, IOException ex) {
		if (this.setup != null && this.setup.readsProxyHeader() && state.bytesIn() == 0) {
			// a balancer's health check: its PROXY header, then a reset
			return;
		}
		log().error(TcpErrorKind.READ, "connection " + state.remoteAddress() + " ended: " + ex.getMessage());
	}

	/** A NET factory that serves a server socket Portico has already bound. */
	private static final class Factory extends TcpNetServerConnectionFactory {

		private final ServerSocket boundSocket;

		private final CountDownLatch acceptLoopEnded = new CountDownLatch(1);

		Factory(ServerSocket boundSocket) {
			super(boundSocket.getLocalPort());
			this.boundSocket = boundSocket;
		}

		@Override
		protected ServerSocket createServerSocket(int port, int backlog, InetAddress whichNic) {
			return this.boundSocket;
		}

		int boundPort() {
			return this.boundSocket.getLocalPort();
		}

		@Override
		public void run() {
			try {
				super.run();
			}
			finally {
				this.acceptLoopEnded.countDown();
			}
		}

		/**
		 * A server socket closed while a thread is blocked in {@code accept} releases its
		 * port only when that thread leaves {@code accept}: wait for it, so the port is
		 * free for a restart the moment stop returns.
		 */
		void awaitAcceptLoopEnd() {
			try {
				this.acceptLoopEnded.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void stop() {
			try {
				this.boundSocket.close();
			}
			catch (IOException ex) {
				// closing to stop accepting; nothing to recover
			}
			super.stop();
		}

	}

	/** Maps each read unit to a message carrying only the connection id and its state. */
	private static final class LeanMapper extends TcpMessageMapper {

		@Override
		public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
			Object payload = connection.getPayload();
			return LeanMessages.of(payload, Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId(), STATE_HEADER,
					((PorticoNetConnection<?>) connection).state()));
		}

	}

}
