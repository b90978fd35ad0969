package dev.portico.listener;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import dev.portico.connection.ConnectionState;
import dev.portico.connection.TrafficStats;
import dev.portico.listener.ListenerOutcome.Result;

/**
 * Owns every listener's lifecycle: create, start, stop and delete at runtime. Thread-safe: the
 * set of listeners changes under one lock, each listener's start and stop under its own. Every
 * call returns an explicit {@link ListenerOutcome}.
 *
 * <p>As a {@link SmartLifecycle} it creates the configured listeners when the application starts
 * and starts those marked autostart; on shutdown it drains them: stop accepting, let queued
 * output be written (bounded by {@code portico.drain-timeout}), then close.
 */
public class ListenerRegistry implements SmartLifecycle {

	/** Names are path segments and meter tags: keep them plain. */
	public static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");

	private static final Log logger = LogFactory.getLog(ListenerRegistry.class);

	private final ListenersProperties properties;

	private final Map<ListenerType, ListenerRuntimeProvider> providers = new EnumMap<>(ListenerType.class);

	private final Validator validator;

	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	private final Object lock = new Object();

	private volatile boolean running;

	private volatile boolean draining;

	public ListenerRegistry(ListenersProperties properties, List<ListenerRuntimeProvider> providers,
			Validator validator) {
		this.properties = properties;
		this.validator = validator;
		providers.forEach((provider) -> this.providers.put(provider.type(), provider));
		validateConfiguration();
	}

	/** Every listener, in creation order. */
	public List<Listener> list() {
		synchronized (this.lock) {
			return new ArrayList<>(this.listeners.values());
		}
	}

	public Optional<Listener> get(String name) {
		synchronized (this.lock) {
			return Optional.ofNullable(this.listeners.get(name));
		}
	}

	/** Create a listener, stopped. Starting it is a separate call. */
	public ListenerOutcome create(String name, ListenerProperties definition) {
		String invalid = validate(name, definition);
		if (invalid != null) {
			return new ListenerOutcome(Result.INVALID, null, invalid);
		}
		ListenerRuntimeProvider provider = this.providers.get(definition.type());
		if (provider == null) {
			return new ListenerOutcome(Result.INVALID, null,
					"Listener type '" + definition.type().id() + "' is not available");
		}
		synchronized (this.lock) {
			Listener existing = this.listeners.get(name);
			if (existing != null) {
				return new ListenerOutcome(Result.NAME_TAKEN, existing, "A listener named '" + name + "' exists");
			}
			for (Listener other : this.listeners.values()) {
				if (definition.port() != 0 && other.properties().port().equals(definition.port())
						&& other.type().transport().equals(definition.type().transport())) {
					return new ListenerOutcome(Result.PORT_TAKEN, other, "Listener '" + other.name() + "' uses port "
							+ definition.port() + "/" + definition.type().transport());
				}
			}
			TrafficStats stats = new TrafficStats();
			Listener listener = new Listener(name, definition, stats, provider.create(name, definition, stats));
			this.listeners.put(name, listener);
			return new ListenerOutcome(Result.CREATED, listener, "Listener '" + name + "' created");
		}
	}

	public ListenerOutcome start(String name) {
		return withListener(name, Listener::start);
	}

	public ListenerOutcome stop(String name) {
		return withListener(name, Listener::stop);
	}

	/** Stop a listener and forget it. */
	public ListenerOutcome delete(String name) {
		Listener listener;
		synchronized (this.lock) {
			listener = this.listeners.remove(name);
		}
		if (listener == null) {
			return notFound(name);
		}
		listener.stop();
		return new ListenerOutcome(Result.DELETED, listener, "Listener '" + name + "' deleted");
	}

	/** Whether the service is draining for shutdown. */
	public boolean isDraining() {
		return this.draining;
	}

	@Override
	public void start() {
		for (Map.Entry<String, ListenerProperties> entry : this.properties.listeners().entrySet()) {
			ListenerOutcome created = create(entry.getKey(), entry.getValue());
			if (!created.result().isSuccess()) {
				throw new InvalidConfigurationException("portico.listeners." + entry.getKey(), entry.getValue().port(),
						created.detail());
			}
		}
		this.running = true;
		int started = 0;
		for (Listener listener : list()) {
			if (listener.properties().autostart() && listener.start().result() == Result.STARTED) {
				started++;
			}
		}
		logger.info(started + " listener(s) bound " + ManagementFactory.getRuntimeMXBean().getUptime()
				+ " ms after the JVM started");
	}

	@Override
	public void stop() {
		this.draining = true;
		List<Listener> all = list();
		all.forEach(Listener::stopAccepting);
		long deadline = System.nanoTime() + this.properties.drainTimeout().toNanos();
		for (Listener listener : all) {
			for (ConnectionState connection : listener.connections()) {
				long left = deadline - System.nanoTime();
				try {
					if (left <= 0 || !connection.queue().awaitEmpty(left, TimeUnit.NANOSECONDS)) {
						break;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		all.forEach(Listener::stop);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// start after the web server, stop before it: listeners drain while health still answers
		return SmartLifecycle.DEFAULT_PHASE - 512;
	}

	private ListenerOutcome withListener(String name, java.util.function.Function<Listener, ListenerOutcome> action) {
		return get(name).map(action).orElseGet(() -> notFound(name));
	}

	private static ListenerOutcome notFound(String name) {
		return new ListenerOutcome(Result.NOT_FOUND, null, "No listener named '" + name + "'");
	}

	/** Fail start-up on the first invalid configured value, naming its key as the user writes it. */
	private void validateConfiguration() {
		if (this.properties.maxBufferedBytes().isNegative()) {
			throw new InvalidConfigurationException("portico.max-buffered-bytes", this.properties.maxBufferedBytes(),
					"must not be negative");
		}
		if (this.properties.platformThreads() < 0) {
			throw new InvalidConfigurationException("portico.platform-threads", this.properties.platformThreads(),
					"must not be negative");
		}
		if (this.properties.drainTimeout().isNegative()) {
			throw new InvalidConfigurationException("portico.drain-timeout", this.properties.drainTimeout(),
					"must not be negative");
		}
		for (Map.Entry<String, ListenerProperties> entry : this.properties.listeners().entrySet()) {
			String prefix = "portico.listeners." + entry.getKey();
			if (!NAME.matcher(entry.getKey()).matches()) {
				throw new InvalidConfigurationException(prefix, entry.getKey(),
						"a listener name is 1 to 40 lower-case letters, digits and dashes");
			}
			this.validator.validate(entry.getValue())
				.stream()
				.min(java.util.Comparator.comparing((v) -> v.getPropertyPath().toString()))
				.ifPresent((violation) -> {
					throw new InvalidConfigurationException(prefix + "." + kebab(violation.getPropertyPath().toString()),
							violation.getInvalidValue(), violation.getMessage());
				});
			if (!this.providers.containsKey(entry.getValue().type())) {
				throw new InvalidConfigurationException(prefix + ".type", entry.getValue().type().id(),
						"this listener type is not available");
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

	private String validate(String name, ListenerProperties definition) {
		if (name == null || !NAME.matcher(name).matches()) {
			return "Invalid name '" + name + "': use 1 to 40 lower-case letters, digits and dashes";
		}
		if (definition == null) {
			return "A listener definition is required";
		}
		Set<ConstraintViolation<ListenerProperties>> violations = this.validator.validate(definition);
		if (!violations.isEmpty()) {
			return violations.stream()
				.map((v) -> v.getPropertyPath() + " " + v.getMessage())
				.sorted()
				.collect(Collectors.joining("; "));
		}
		return null;
	}

}
