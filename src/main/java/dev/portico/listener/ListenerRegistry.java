package dev.portico.listener;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;

import dev.portico.listener.ListenerOutcome.Result;

/**
 * Owns every listener's lifecycle: create, start, stop and delete at runtime, each
 * returning an explicit {@link ListenerOutcome}. Lifecycle calls are serialized under one
 * lock, so a start racing a delete can never leave a port bound by a listener nobody can
 * see; reads take a snapshot and never wait.
 *
 * <p>
 * As a {@link SmartLifecycle} it creates the configured listeners when the application
 * starts and starts those marked autostart; on shutdown it drains them: stop accepting,
 * let queued output be written (bounded by {@code portico.drain-timeout}), then close.
 */
public class ListenerRegistry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ListenerRegistry.class);

	private final ListenersProperties properties;

	private final ListenerDefinitions definitions;

	private final BeanFactory beanFactory;

	private final ApplicationEventPublisher events;

	private final List<ListenerDefinition> configured = new ArrayList<>();

	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	private final Object lock = new Object();

	private volatile List<Listener> snapshot = List.of();

	/**
	 * The listeners that were running when the registry last stopped: a restart resumes
	 * them.
	 */
	private List<Listener> resume;

	private volatile boolean running;

	private volatile boolean draining;

	public ListenerRegistry(ListenersProperties properties, ListenerDefinitions definitions,
			ConfigurableEnvironment environment, BeanFactory beanFactory, ApplicationEventPublisher events) {
		this.properties = properties;
		this.definitions = definitions;
		this.beanFactory = beanFactory;
		this.events = events;
		// every configured listener is checked here, so a bad one stops start-up with its
		// key
		Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
		PropertySourcesPlaceholdersResolver placeholders = new PropertySourcesPlaceholdersResolver(environment);
		for (String name : definitions.configuredNames(sources)) {
			ListenerDefinition definition = definitions.fromConfiguration(name, sources, placeholders);
			channels(definition);
			this.configured.add(definition);
		}
	}

	/** How listener definitions are read, from configuration and from API requests. */
	public ListenerDefinitions definitions() {
		return this.definitions;
	}

	/** Every listener, in creation order. */
	public List<Listener> list() {
		return this.snapshot;
	}

	public Optional<Listener> get(String name) {
		for (Listener listener : this.snapshot) {
			if (listener.name().equals(name)) {
				return Optional.of(listener);
			}
		}
		return Optional.empty();
	}

	/** Create a listener from keys ({@code type}, {@code port}, options), stopped. */
	public ListenerOutcome create(String name, Map<String, ?> keys) {
		try {
			return create(this.definitions.fromRequest(name, keys));
		}
		catch (InvalidDefinitionException ex) {
			return new ListenerOutcome(Result.INVALID, null, ex.getMessage());
		}
	}

	/** Create a listener, stopped. Starting it is a separate call. */
	public ListenerOutcome create(ListenerDefinition definition) {
		synchronized (this.lock) {
			return add(definition);
		}
	}

	/**
	 * Create a listener and, if its definition says autostart, start it, as one step: a
	 * listener that cannot bind is not kept, and no other call sees it in between.
	 */
	public ListenerOutcome createAndStart(ListenerDefinition definition) {
		synchronized (this.lock) {
			ListenerOutcome created = add(definition);
			if (created.result() != Result.CREATED || !definition.autostart()) {
				return created;
			}
			ListenerOutcome started = startLocked(created.listener());
			if (started.result() == Result.BIND_FAILED || started.result() == Result.DRAINING) {
				remove(definition.name());
				return new ListenerOutcome(started.result(), started.listener(), started.detail());
			}
			return new ListenerOutcome(Result.CREATED, created.listener(), started.detail());
		}
	}

	public ListenerOutcome start(String name) {
		synchronized (this.lock) {
			Listener listener = this.listeners.get(name);
			return (listener != null) ? startLocked(listener) : notFound(name);
		}
	}

	public ListenerOutcome stop(String name) {
		synchronized (this.lock) {
			Listener listener = this.listeners.get(name);
			return (listener != null) ? listener.stop() : notFound(name);
		}
	}

	/** Stop a listener and forget it. */
	public ListenerOutcome delete(String name) {
		synchronized (this.lock) {
			Listener listener = remove(name);
			if (listener == null) {
				return notFound(name);
			}
			return new ListenerOutcome(Result.DELETED, listener, "Listener '" + name + "' deleted");
		}
	}

	/** Whether the service is draining for shutdown: nothing starts any more. */
	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * Create the configured listeners and start those marked autostart. Started again
	 * after a {@link #stop()} (a test framework pausing a cached context does that), it
	 * resumes the listeners that were running.
	 */
	@Override
	public void start() {
		synchronized (this.lock) {
			this.draining = false;
			List<Listener> toStart = new ArrayList<>();
			if (this.resume == null) {
				for (ListenerDefinition definition : this.configured) {
					ListenerOutcome created = add(definition);
					if (created.result() != Result.CREATED) {
						throw new InvalidDefinitionException(ListenerDefinitions.PREFIX + "." + definition.name(),
								definition.portAndTransport(), created.detail(), created.detail());
					}
					if (definition.autostart()) {
						toStart.add(created.listener());
					}
				}
			}
			else {
				toStart.addAll(this.resume);
			}
			this.running = true;
			int started = 0;
			for (Listener listener : toStart) {
				if (this.listeners.get(listener.name()) == listener
						&& startLocked(listener).result() == Result.STARTED) {
					started++;
				}
			}
			logger.info(started + " listener(s) bound " + ManagementFactory.getRuntimeMXBean().getUptime()
					+ " ms after the JVM started");
		}
	}

	@Override
	public void stop() {
		this.draining = true;
		List<Listener> all = list();
		all.forEach(Listener::stopAccepting);
		long deadline = System.nanoTime() + this.properties.drainTimeout().toNanos();
		try {
			for (Listener listener : all) {
				listener.runtime().awaitDrained(deadline);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this.lock) {
			List<Listener> wasRunning = new ArrayList<>();
			for (Listener listener : all) {
				if (listener.state() == ListenerState.RUNNING) {
					wasRunning.add(listener);
				}
				listener.stop();
			}
			this.resume = wasRunning;
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// start after the web server, stop before it: listeners drain while health still
		// answers
		return SmartLifecycle.DEFAULT_PHASE - 512;
	}

	private ListenerOutcome add(ListenerDefinition definition) {
		String name = definition.name();
		Listener existing = this.listeners.get(name);
		if (existing != null) {
			return new ListenerOutcome(Result.NAME_TAKEN, existing, "A listener named '" + name + "' exists");
		}
		for (Listener other : this.listeners.values()) {
			if (definition.port() != 0 && other.definition().port() == definition.port()
					&& other.type().transport() == definition.type().transport()) {
				return new ListenerOutcome(Result.PORT_TAKEN, other,
						"Listener '" + other.name() + "' uses port " + definition.portAndTransport());
			}
		}
		Channels channels;
		try {
			channels = channels(definition);
		}
		catch (InvalidDefinitionException ex) {
			return new ListenerOutcome(Result.INVALID, null, ex.getMessage());
		}
		TrafficStats stats = new TrafficStats();
		ListenerContext context = new ListenerContext(definition, stats, new ListenerLog(name, stats),
				channels.inbound(), channels.outbound());
		Listener listener = new Listener(definition, stats, definition.type().create(context));
		this.listeners.put(name, listener);
		this.snapshot = List.copyOf(this.listeners.values());
		this.events.publishEvent(new ListenerEvent.Created(listener));
		return new ListenerOutcome(Result.CREATED, listener, "Listener '" + name + "' created");
	}

	private Listener remove(String name) {
		Listener listener = this.listeners.remove(name);
		if (listener != null) {
			listener.stop();
			this.snapshot = List.copyOf(this.listeners.values());
			this.events.publishEvent(new ListenerEvent.Deleted(listener));
		}
		return listener;
	}

	private ListenerOutcome startLocked(Listener listener) {
		if (this.draining) {
			return new ListenerOutcome(Result.DRAINING, listener,
					"Portico is shutting down: listeners are draining and cannot be started");
		}
		return listener.start();
	}

	/** The channels a definition names, which must be beans of the right kind. */
	private Channels channels(ListenerDefinition definition) {
		return new Channels(bean(definition, "inbound-channel", definition.inboundChannel(), MessageChannel.class),
				bean(definition, "outbound-channel", definition.outboundChannel(), SubscribableChannel.class));
	}

	private <T> T bean(ListenerDefinition definition, String key, String name, Class<T> type) {
		if (name == null || name.isEmpty()) {
			return null;
		}
		try {
			return this.beanFactory.getBean(name, type);
		}
		catch (NoSuchBeanDefinitionException ex) {
			String reason = "no " + type.getSimpleName() + " bean named '" + name + "'";
			throw new InvalidDefinitionException(ListenerDefinitions.PREFIX + "." + definition.name() + "." + key, name,
					reason, "Invalid value '" + name + "' for '" + key + "': " + reason);
		}
	}

	private static ListenerOutcome notFound(String name) {
		return new ListenerOutcome(Result.NOT_FOUND, null, "No listener named '" + name + "'");
	}

	private record Channels(MessageChannel inbound, SubscribableChannel outbound) {
	}

}
