package dev.portico.tcp;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;

import dev.portico.listener.ListenerContext;

/**
 * Builds the {@link TcpServer} of a TCP listener: what every TCP listener type does in
 * its {@code create}, with the service-wide parts they share (the buffer budget, the
 * watchdog's scheduler, thread settings).
 */
public final class TcpServers implements DisposableBean {

	private final BufferBudget budget;

	private final int platformThreads;

	private final ScheduledExecutorService scheduler;

	private final ApplicationEventPublisher eventPublisher;

	private final BeanFactory beanFactory;

	private final TcpEngine engine;

	private final int eventLoopCount;

	private EventLoops eventLoops;

	private final ConnectionLimit connectionLimit;

	TcpServers(BufferBudget budget, int platformThreads, TcpEngine engine, int eventLoopCount,
			ScheduledExecutorService scheduler, ApplicationEventPublisher eventPublisher, BeanFactory beanFactory,
			ConnectionLimit connectionLimit) {
		this.budget = budget;
		this.connectionLimit = connectionLimit;
		this.platformThreads = platformThreads;
		this.engine = engine;
		this.eventLoopCount = eventLoopCount;
		this.scheduler = scheduler;
		this.eventPublisher = eventPublisher;
		this.beanFactory = beanFactory;
	}

	/**
	 * A stopped server for a listener whose definition holds {@link TcpOptions}.
	 * @param listener the listener
	 * @param handlerFactory makes the type's handler, given the server's context
	 * @param <T> what the handler's reader returns
	 */
	public <T> TcpServer<T> server(ListenerContext listener,
			Function<TcpContext, ConnectionHandler<T>> handlerFactory) {
		return new TcpServer<>(listener, listener.definition().options(TcpOptions.class), this, handlerFactory);
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		synchronized (this) {
			if (this.eventLoops != null) {
				this.eventLoops.shutdown();
				this.eventLoops = null;
			}
		}
	}

	/**
	 * Whether a listener's connections are served on the event loops: its type must be
	 * able to (see {@link ConnectionHandler#runsOnEventLoop()}), and with {@code auto} it
	 * must have no inbound channel, whose subscribers may block.
	 */
	boolean servesOnEventLoop(ListenerContext listener, ConnectionHandler<?> handler) {
		return switch (this.engine) {
			case THREADS -> false;
			case EVENT_LOOP -> handler.runsOnEventLoop();
			case AUTO -> handler.runsOnEventLoop() && listener.inboundChannel() == null;
		};
	}

	/** The shared event loops, started on first use. */
	synchronized EventLoops eventLoops() {
		if (this.eventLoops == null) {
			this.eventLoops = new EventLoops(this.eventLoopCount);
		}
		return this.eventLoops;
	}

	ConnectionLimit connectionLimit() {
		return this.connectionLimit;
	}

	BufferBudget budget() {
		return this.budget;
	}

	int platformThreads() {
		return this.platformThreads;
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	ApplicationEventPublisher eventPublisher() {
		return this.eventPublisher;
	}

	BeanFactory beanFactory() {
		return this.beanFactory;
	}

}
