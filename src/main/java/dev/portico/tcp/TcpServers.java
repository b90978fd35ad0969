package dev.portico.tcp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.ApplicationEventPublisher;

import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerDefinition;

/**
 * Builds the {@link TcpServer} of a TCP listener: what every TCP listener type does in
 * its {@code create}, with the service-wide parts they share (the buffer budget, the
 * watchdog's scheduler, thread settings, the TLS contexts of Spring Boot's SSL bundles).
 * Every {@link TcpListenerType} takes {@link #OPTION_TYPES} and checks them with
 * {@link #check}.
 */
public final class TcpServers implements DisposableBean {

	/** The option records every TCP listener takes. */
	static final List<Class<? extends Record>> OPTION_TYPES = List.of(TcpOptions.class, EdgeOptions.class);

	/** A listener whose type takes no {@link EdgeOptions}: plain TCP, no PROXY header. */
	private static final EdgeOptions PLAIN = new EdgeOptions(EdgeOptions.ProxyProtocol.OFF, List.of(),
			new EdgeOptions.Ssl(null, EdgeOptions.ClientAuth.NONE, Duration.ZERO));

	private final BufferBudget budget;

	private final int platformThreads;

	private final ScheduledExecutorService scheduler;

	private final ApplicationEventPublisher eventPublisher;

	private final BeanFactory beanFactory;

	private final TcpEngine engine;

	private final int eventLoopCount;

	private EventLoops eventLoops;

	private final ConnectionLimit connectionLimit;

	private final TlsContexts tlsContexts;

	TcpServers(BufferBudget budget, int platformThreads, TcpEngine engine, int eventLoopCount,
			ScheduledExecutorService scheduler, ApplicationEventPublisher eventPublisher, BeanFactory beanFactory,
			ConnectionLimit connectionLimit, TlsContexts tlsContexts) {
		this.budget = budget;
		this.connectionLimit = connectionLimit;
		this.platformThreads = platformThreads;
		this.engine = engine;
		this.eventLoopCount = eventLoopCount;
		this.scheduler = scheduler;
		this.eventPublisher = eventPublisher;
		this.beanFactory = beanFactory;
		this.tlsContexts = tlsContexts;
	}

	/**
	 * A stopped server for a listener whose definition holds {@link TcpOptions}.
	 * @param listener the listener
	 * @param handlerFactory makes the type's handler, given the server's context
	 * @param <T> what the handler's reader returns
	 */
	public <T> TcpServer<T> server(ListenerContext listener,
			Function<TcpContext, ConnectionHandler<T>> handlerFactory) {
		ListenerDefinition definition = listener.definition();
		EdgeOptions edge = definition.options().containsKey(EdgeOptions.class) ? definition.options(EdgeOptions.class)
				: PLAIN;
		return new TcpServer<>(listener, definition.options(TcpOptions.class), edge, this, handlerFactory);
	}

	/**
	 * Checks what the option records cannot check alone: that the SSL bundle exists,
	 * holds a certificate and, when client certificates are asked for, trust material to
	 * check them against; that the trusted address blocks are CIDR.
	 * @return what is wrong, as {@code key: reason}, or null
	 */
	public String check(ListenerDefinition definition) {
		if (!definition.options().containsKey(EdgeOptions.class)) {
			return null;
		}
		EdgeOptions edge = definition.options(EdgeOptions.class);
		for (String block : edge.proxyTrustedFrom()) {
			try {
				CidrBlock.parse(block);
			}
			catch (IllegalArgumentException ex) {
				return "proxy-trusted-from: " + ex.getMessage();
			}
		}
		if (!edge.tls()) {
			if (edge.ssl().bundle() != null) {
				return "ssl.bundle: name an SSL bundle (spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>)"
						+ " or leave the key out for plain TCP";
			}
			return null;
		}
		String name = edge.ssl().bundle();
		if (!this.tlsContexts.names().contains(name)) {
			List<String> names = this.tlsContexts.names();
			return "ssl.bundle: there is no SSL bundle '" + name + "'; "
					+ (names.isEmpty() ? "none is configured" : "configured: " + String.join(", ", names))
					+ " (spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>)";
		}
		SslBundle bundle = this.tlsContexts.bundle(name);
		if (bundle.getStores().getKeyStore() == null) {
			return "ssl.bundle: SSL bundle '" + name
					+ "' has no key store: a TLS listener needs its certificate and private key";
		}
		if (edge.ssl().clientAuth() != EdgeOptions.ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
			return "ssl.client-auth: " + edge.ssl().clientAuth().name().toLowerCase(Locale.ROOT)
					+ " asks for client certificates, but SSL bundle '" + name
					+ "' has no trust store to check them against (add its truststore)";
		}
		try {
			this.tlsContexts.get(name);
		}
		catch (RuntimeException ex) {
			return "ssl.bundle: SSL bundle '" + name + "' cannot serve TLS: " + ex.getMessage();
		}
		return null;
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
	 * must have no inbound channel, whose subscribers may block. TLS and the PROXY
	 * protocol run on either engine.
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

	TlsContexts tlsContexts() {
		return this.tlsContexts;
	}

}
