package dev.portico.listener;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One named listener: its definition, state and figures, and the runtime that serves it.
 * Its lifecycle is driven by the {@link ListenerRegistry}, one call at a time.
 */
public final class Listener {

	private static final Log logger = LogFactory.getLog(Listener.class);

	private final ListenerDefinition definition;

	private final TrafficStats stats;

	private final ListenerRuntime runtime;

	private volatile ListenerState state = ListenerState.STOPPED;

	private volatile String failure;

	private volatile int boundPort = -1;

	Listener(ListenerDefinition definition, TrafficStats stats, ListenerRuntime runtime) {
		this.definition = definition;
		this.stats = stats;
		this.runtime = runtime;
	}

	public String name() {
		return this.definition.name();
	}

	public ListenerType type() {
		return this.definition.type();
	}

	public ListenerDefinition definition() {
		return this.definition;
	}

	public ListenerState state() {
		return this.state;
	}

	/** Why the last start failed, while FAILED. */
	public String failure() {
		return this.failure;
	}

	/** The bound port while running, else the configured one. */
	public int port() {
		int bound = this.boundPort;
		return (bound >= 0) ? bound : this.definition.port();
	}

	public TrafficStats stats() {
		return this.stats;
	}

	/** The runtime serving it, for the type's own operations (push on multiconn). */
	public ListenerRuntime runtime() {
		return this.runtime;
	}

	/** Open connections, live (TCP only). */
	public Collection<? extends ListenerConnection> connections() {
		return this.runtime.connections();
	}

	public Optional<? extends ListenerConnection> connection(String id) {
		return this.runtime.connection(id);
	}

	public boolean closeConnection(String id) {
		return this.runtime.closeConnection(id);
	}

	ListenerOutcome start() {
		if (this.state == ListenerState.RUNNING) {
			return new ListenerOutcome(ListenerOutcome.Result.ALREADY_RUNNING, this,
					"Listener '" + name() + "' is already running on port " + port());
		}
		try {
			this.boundPort = this.runtime.start();
			this.failure = null;
			this.state = ListenerState.RUNNING;
			logger.info("Listener '" + name() + "' (" + type().id() + ") listening on " + this.definition.bind() + ":"
					+ this.boundPort + "/" + type().transport().id());
			return new ListenerOutcome(ListenerOutcome.Result.STARTED, this,
					"Listener '" + name() + "' started on port " + this.boundPort);
		}
		catch (IOException | RuntimeException ex) {
			// whatever part of the runtime did start is released, so nothing stays bound
			// unseen
			this.runtime.stop();
			this.boundPort = -1;
			this.failure = "Cannot bind " + this.definition.bind() + ":" + this.definition.portAndTransport() + ": "
					+ ex.getMessage();
			this.state = ListenerState.FAILED;
			logger.error("Listener '" + name() + "' failed to start: " + this.failure);
			return new ListenerOutcome(ListenerOutcome.Result.BIND_FAILED, this, this.failure);
		}
	}

	ListenerOutcome stop() {
		// a FAILED listener may hold a part of its runtime: always release it
		this.runtime.stop();
		boolean wasRunning = this.state == ListenerState.RUNNING;
		this.boundPort = -1;
		this.state = ListenerState.STOPPED;
		this.failure = null;
		if (!wasRunning) {
			return new ListenerOutcome(ListenerOutcome.Result.ALREADY_STOPPED, this,
					"Listener '" + name() + "' is not running");
		}
		logger.info("Listener '" + name() + "' stopped");
		return new ListenerOutcome(ListenerOutcome.Result.STOPPED, this, "Listener '" + name() + "' stopped");
	}

	void stopAccepting() {
		if (this.state == ListenerState.RUNNING) {
			this.runtime.stopAccepting();
		}
	}

	/** Bytes and messages queued for writing, summed over the open connections. */
	public ListenerStatus.Queue queued() {
		long bytes = 0;
		long messages = 0;
		for (ListenerConnection connection : this.runtime.connections()) {
			bytes += connection.queuedBytes();
			messages += connection.queuedMessages();
		}
		return new ListenerStatus.Queue(bytes, messages);
	}

	/** State and figures now. */
	public ListenerStatus status() {
		return new ListenerStatus(name(), type().id(), type().transport().id(), this.definition.bind(), port(),
				this.state, this.failure,
				new ListenerStatus.Connections(this.runtime.connections().size(), this.stats.acceptedTotal(),
						this.stats.rejectedTotal(), this.stats.rejectedByReason()),
				new ListenerStatus.Traffic(this.stats.bytesReceived(), this.stats.bytesSent()),
				new ListenerStatus.Traffic(this.stats.messagesReceived(), this.stats.messagesSent()), queued(),
				this.stats.errorsTotal(), this.stats.errorsByKind(), this.runtime.tls(), this.runtime.proxyProtocol());
	}

}
