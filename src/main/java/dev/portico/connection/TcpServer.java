package dev.portico.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpListener;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpSender;
import org.springframework.integration.ip.tcp.serializer.ByteArrayRawSerializer;
import org.springframework.messaging.Message;

/**
 * One TCP server on Spring Integration's blocking (NET) connection factory: a thread per
 * connection (virtual on Java 21+), the listener type's {@link ConnectionHandler} called on it.
 *
 * <p>Portico binds the server socket itself before the factory starts, so a port that cannot be
 * bound fails {@link #start()} at once with the cause (the factory alone only logs it from its
 * accept thread). It enforces the connection limits at accept, closes idle connections through
 * the socket timeout, and runs a watchdog that closes a connection whose write has been blocked
 * longer than the write timeout (blocking sockets have no write timeout of their own).
 */
public final class TcpServer implements TcpListener, TcpSender {

	static final String STATE_HEADER = "portico_connection";

	private static final Log logger = LogFactory.getLog(TcpServer.class);

	private final TcpServerSettings settings;

	private final ConnectionHandler handler;

	private final TrafficStats stats;

	private final ScheduledExecutorService scheduler;

	private final ApplicationEventPublisher eventPublisher;

	private final BeanFactory beanFactory;

	private final BufferBudget budget;

	private final Map<String, ConnectionState> connections = new ConcurrentHashMap<>();

	private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

	private final RateLimitedLog warnings;

	private volatile ConnectionThreads executor;

	private volatile Factory factory;

	private volatile ScheduledFuture<?> watchdog;

	private volatile boolean draining;

	public TcpServer(TcpServerSettings settings, ConnectionHandler handler, TrafficStats stats,
			BufferBudget budget, ScheduledExecutorService scheduler, ApplicationEventPublisher eventPublisher,
			BeanFactory beanFactory) {
		this.settings = settings;
		this.budget = budget;
		this.handler = handler;
		this.stats = stats;
		this.scheduler = scheduler;
		this.eventPublisher = eventPublisher;
		this.beanFactory = beanFactory;
		this.warnings = new RateLimitedLog(logger, Duration.ofSeconds(10));
	}

	/**
	 * Bind and start accepting.
	 * @return the bound port
	 * @throws IOException if the address cannot be bound
	 */
	public synchronized int start() throws IOException {
		if (this.factory != null) {
			return this.factory.boundPort();
		}
		ServerSocket serverSocket = new ServerSocket();
		try {
			serverSocket.setReuseAddress(true);
			serverSocket.bind(new InetSocketAddress(InetAddress.getByName(this.settings.bind()), this.settings.port()),
					this.settings.backlog());
		}
		catch (IOException ex) {
			serverSocket.close();
			throw ex;
		}
		ConnectionThreads taskExecutor = new ConnectionThreads("portico-" + this.settings.name() + "-",
				this.settings.platformThreads());
		Factory newFactory = new Factory(serverSocket);
		newFactory.setTaskExecutor(taskExecutor);
		newFactory.setApplicationEventPublisher(this.eventPublisher);
		newFactory.setBeanFactory(this.beanFactory);
		newFactory.setBeanName("portico." + this.settings.name());
		// no socket timeout: the watchdog closes idle connections, so a blocking read parks
		// without a timer (a timed park per read was measurable on virtual threads)
		newFactory.setSoTimeout(0);
		newFactory.setSoTcpNoDelay(true);
		newFactory.setBacklog(this.settings.backlog());
		newFactory.setSerializer(new ByteArrayRawSerializer());
		newFactory.setMapper(new LeanMapper());
		newFactory.setTcpNetConnectionSupport((socket, server, lookupHost, publisher, name) ->
				new PorticoNetConnection(socket, this, name));
		newFactory.registerListener(this);
		newFactory.registerSender(this);
		newFactory.afterPropertiesSet();
		this.executor = taskExecutor;
		this.factory = newFactory;
		newFactory.start();
		long shortest = Math.min(this.settings.writeTimeout().toMillis(),
				Math.min(millisOrMax(this.settings.frameTimeout()), millisOrMax(this.settings.idleTimeout())));
		long period = Math.max(50, Math.min(1000, shortest / 10));
		this.watchdog = this.scheduler.scheduleWithFixedDelay(this::closeStalledConnections, period, period,
				TimeUnit.MILLISECONDS);
		return serverSocket.getLocalPort();
	}

	/** Stop accepting and close every connection. Harmless when stopped. */
	public synchronized void stop() {
		Factory current = this.factory;
		if (current == null) {
			return;
		}
		this.watchdog.cancel(false);
		current.stop();
		current.awaitAcceptLoopEnd();
		// connections are closed, so their threads are ending: let idle pooled threads go too
		this.executor.shutdown();
		this.factory = null;
		this.executor = null;
		this.draining = false;
	}

	/**
	 * Stop taking new connections; open ones go on (the first step of a graceful drain). The
	 * socket stays bound until {@link #stop()}, so a client that connects meanwhile is closed at
	 * once and counted as rejected with reason {@code draining}, not left to a refused SYN.
	 */
	public void stopAccepting() {
		this.draining = true;
	}

	/** The open connections, live. */
	public Collection<ConnectionState> connections() {
		return Collections.unmodifiableCollection(this.connections.values());
	}

	public Optional<ConnectionState> connection(String id) {
		return Optional.ofNullable(this.connections.get(id));
	}

	/** Close one connection; false if it is not open. */
	public boolean closeConnection(String id, String reason) {
		ConnectionState state = this.connections.get(id);
		if (state == null) {
			return false;
		}
		state.close(reason);
		return true;
	}

	public int activeConnections() {
		return this.connections.size();
	}

	/** Run a task for a connection (an outbound queue's writer) on this server's threads. */
	public void execute(Runnable task) {
		ConnectionThreads current = this.executor;
		if (current == null) {
			throw new IllegalStateException("Listener '" + this.settings.name() + "' is stopped");
		}
		current.execute(task);
	}

	public TcpServerSettings settings() {
		return this.settings;
	}

	public TrafficStats stats() {
		return this.stats;
	}

	BufferBudget budget() {
		return this.budget;
	}

	ConnectionHandler handler() {
		return this.handler;
	}

	ApplicationEventPublisher eventPublisher() {
		return this.eventPublisher;
	}

	/** Log a rare event at WARN, at most once per key and interval, and count it. */
	public void warn(String kind, String message) {
		this.stats.error(kind);
		this.warnings.warn(kind, message);
	}

	@Override
	public void addNewConnection(TcpConnection connection) {
		ConnectionState state = ((PorticoNetConnection) connection).state();
		if (this.draining) {
			reject(state, "draining");
			return;
		}
		// addNewConnection runs on the single accept thread, so check-then-add cannot race
		if (this.connections.size() >= this.settings.maxConnections()) {
			reject(state, "max-connections");
			return;
		}
		InetAddress address = ((PorticoNetConnection) connection).remoteInetAddress();
		if (this.settings.maxConnectionsPerIp() > 0) {
			AtomicInteger count = this.perAddress.computeIfAbsent(address, (key) -> new AtomicInteger());
			if (count.incrementAndGet() > this.settings.maxConnectionsPerIp()) {
				count.decrementAndGet();
				reject(state, "max-connections-per-ip");
				return;
			}
		}
		this.connections.put(state.id(), state);
		this.stats.accepted();
	}

	@Override
	public void removeDeadConnection(TcpConnection connection) {
		ConnectionState state = ((PorticoNetConnection) connection).state();
		if (this.connections.remove(state.id()) != null) {
			if (this.settings.maxConnectionsPerIp() > 0) {
				this.perAddress.computeIfPresent(((PorticoNetConnection) connection).remoteInetAddress(),
						(key, count) -> (count.decrementAndGet() <= 0) ? null : count);
			}
			state.queue().close();
		}
	}

	@Override
	public void onMessage(Message<?> message) {
		ConnectionState state = (ConnectionState) message.getHeaders().get(STATE_HEADER);
		try {
			this.handler.onMessage(state, message.getPayload());
		}
		catch (RuntimeException ex) {
			if (state.isOpen() && state.closeReason() == null) {
				warn("write", "Listener '" + this.settings.name() + "': closing " + state.remoteAddress()
						+ " after a failed write: " + rootMessage(ex));
			}
			state.close("write-failed");
		}
	}

	void readFailed(ConnectionState state, IOException ex) {
		warn("read", "Listener '" + this.settings.name() + "': connection " + state.remoteAddress()
				+ " ended: " + ex.getMessage());
	}

	private void reject(ConnectionState state, String reason) {
		this.stats.rejected(reason);
		this.warnings.warn("rejected-" + reason, "Listener '" + this.settings.name() + "': refused "
				+ state.remoteAddress() + " (" + reason + ")");
		state.close(reason);
	}

	/**
	 * Close connections whose peer stopped reading (a write blocked past the write timeout),
	 * trickles a frame (begun but not whole within the frame timeout) or sends nothing (idle):
	 * blocking sockets have no write or frame timeouts of their own, and a read timeout would cost
	 * a timer per read.
	 */
	private void closeStalledConnections() {
		long writeLimit = this.settings.writeTimeout().toNanos();
		long frameLimit = nanosOrMax(this.settings.frameTimeout());
		long idleLimit = nanosOrMax(this.settings.idleTimeout());
		long now = System.nanoTime();
		for (ConnectionState state : this.connections.values()) {
			if (state.idleNanos(now) > idleLimit && state.writeBlockedNanos(now) == 0) {
				this.stats.error("idle-timeout");
				if (logger.isDebugEnabled()) {
					logger.debug("Listener '" + this.settings.name() + "': closing idle connection "
							+ state.remoteAddress());
				}
				state.close("idle-timeout");
				continue;
			}
			if (state.writeBlockedNanos(now) > writeLimit) {
				warn("write-timeout", "Listener '" + this.settings.name() + "': closing " + state.remoteAddress()
						+ ": it has not read for " + this.settings.writeTimeout().toMillis() + " ms");
				state.close("write-timeout");
			}
			else if (state.frameAgeNanos(now) > frameLimit) {
				warn("frame-timeout", "Listener '" + this.settings.name() + "': closing " + state.remoteAddress()
						+ ": a frame did not arrive whole within " + this.settings.frameTimeout().toMillis() + " ms");
				state.close("frame-timeout");
			}
		}
	}

	private static long nanosOrMax(Duration timeout) {
		return timeout.isZero() ? Long.MAX_VALUE : timeout.toNanos();
	}

	private static long millisOrMax(Duration timeout) {
		return timeout.isZero() ? Long.MAX_VALUE : timeout.toMillis();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
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
		 * A server socket closed while a thread is blocked in {@code accept} releases its port
		 * only when that thread leaves {@code accept}: wait for it, so the port is free for a
		 * restart the moment stop returns.
		 */
		void awaitAcceptLoopEnd() {
			try {
				this.acceptLoopEnded.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void closeServerSocket() {
			try {
				this.boundSocket.close();
			}
			catch (IOException ex) {
				// closing to stop accepting; nothing to recover
			}
		}

		@Override
		public void stop() {
			closeServerSocket();
			super.stop();
		}

	}

	/** Maps each read unit to a message carrying only the connection id and its state. */
	private static final class LeanMapper extends TcpMessageMapper {

		@Override
		public Message<?> toMessage(TcpConnection connection, Map<String, Object> headers) {
			Object payload = connection.getPayload();
			return LeanMessages.of(payload, Map.of(IpHeaders.CONNECTION_ID, connection.getConnectionId(),
					STATE_HEADER, ((PorticoNetConnection) connection).state()));
		}

	}

}
