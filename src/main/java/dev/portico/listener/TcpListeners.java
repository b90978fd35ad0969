package dev.portico.listener;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;

import dev.portico.connection.BufferBudget;
import dev.portico.connection.ConnectionHandler;
import dev.portico.connection.ConnectionState;
import dev.portico.connection.TcpServer;
import dev.portico.connection.TcpServerSettings;
import dev.portico.connection.TrafficStats;

/** Builds the {@link TcpServer} of a TCP listener type from its {@link ListenerProperties}. */
public class TcpListeners {

	private final BufferBudget budget;

	private final int platformThreads;

	private final ScheduledExecutorService scheduler;

	private final ApplicationEventPublisher eventPublisher;

	private final BeanFactory beanFactory;

	public TcpListeners(BufferBudget budget, int platformThreads, ScheduledExecutorService scheduler,
			ApplicationEventPublisher eventPublisher, BeanFactory beanFactory) {
		this.budget = budget;
		this.platformThreads = platformThreads;
		this.scheduler = scheduler;
		this.eventPublisher = eventPublisher;
		this.beanFactory = beanFactory;
	}

	/** A stopped server for the listener, with the type's handler. */
	public TcpServer server(String name, ListenerProperties properties, ConnectionHandler handler, TrafficStats stats) {
		TcpServerSettings settings = new TcpServerSettings(name, properties.bind(), properties.port(),
				properties.backlog(), properties.maxConnections(), properties.maxConnectionsPerIp(),
				properties.idleTimeout(), properties.writeTimeout(), properties.maxQueuedBytes().toBytes(),
				properties.frameTimeout(), this.platformThreads);
		return new TcpServer(settings, handler, stats, this.budget, this.scheduler, this.eventPublisher,
				this.beanFactory);
	}

	/** A runtime serving the listener with one {@link TcpServer}. */
	public ListenerRuntime runtime(TcpServer server) {
		return new Runtime(server, null);
	}

	/** A runtime serving the listener with one {@link TcpServer}, offering pushes. */
	public ListenerRuntime runtime(TcpServer server, MessagePush push) {
		return new Runtime(server, push);
	}

	/** Adapts a {@link TcpServer} to the listener lifecycle. */
	static class Runtime implements ListenerRuntime {

		private final TcpServer server;

		private final MessagePush push;

		Runtime(TcpServer server, MessagePush push) {
			this.server = server;
			this.push = push;
		}

		@Override
		public int start() throws IOException {
			return this.server.start();
		}

		@Override
		public void stop() {
			this.server.stop();
		}

		@Override
		public void stopAccepting() {
			this.server.stopAccepting();
		}

		@Override
		public Collection<ConnectionState> connections() {
			return this.server.connections();
		}

		@Override
		public boolean closeConnection(String id) {
			return this.server.closeConnection(id, "closed-by-operator");
		}

		@Override
		public Optional<MessagePush> push() {
			return Optional.ofNullable(this.push);
		}

	}

}
