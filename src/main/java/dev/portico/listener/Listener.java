package dev.portico.listener;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.portico.connection.ConnectionState;
import dev.portico.connection.TrafficStats;

/**
 * One named listener: its definition, state and figures, and the runtime that serves it.
 * Start and stop are serialized per listener and idempotent.
 */
public final class Listener {

	private static final Log logger = LogFactory.getLog(Listener.class);

	private final String name;

	private final ListenerProperties properties;

	private final TrafficStats stats;

	private final ListenerRuntime runtime;

	private volatile ListenerState state = ListenerState.STOPPED;

	private volatile String failure;

	private volatile int boundPort = -1;

	Listener(String name, ListenerProperties properties, TrafficStats stats, ListenerRuntime runtime) {
		this.name = name;
		this.properties = properties;
		this.stats = stats;
		this.runtime = runtime;
	}

	public String name() {
		return this.name;
	}

	public ListenerType type() {
		return this.properties.type();
	}

	public ListenerProperties properties() {
		return this.properties;
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
		return (bound >= 0) ? bound : this.properties.port();
	}

	public TrafficStats stats() {
		return this.stats;
	}

	/** Open connections, live (TCP only). */
	public Collection<ConnectionState> connections() {
		return this.runtime.connections();
	}

	public Optional<ConnectionState> connection(String id) {
		return this.runtime.connections().stream().filter((c) -> c.id().equals(id)).findFirst();
	}

	public boolean closeConnection(String id) {
		return this.runtime.closeConnection(id);
	}

	/** The push operations, if this listener's type queues output. */
	public Optional<MessagePush> push() {
		return this.runtime.push();
	}

	synchronized ListenerOutcome start() {
		if (this.state == ListenerState.RUNNING) {
			return new ListenerOutcome(ListenerOutcome.Result.ALREADY_RUNNING, this,
					"Listener '" + this.name + "' is already running on port " + port());
		}
		try {
			this.boundPort = this.runtime.start();
			this.failure = null;
			this.state = ListenerState.RUNNING;
			logger.info("Listener '" + this.name + "' (" + type().id() + ") listening on " + this.properties.bind()
					+ ":" + this.boundPort + "/" + type().transport());
			return new ListenerOutcome(ListenerOutcome.Result.STARTED, this,
					"Listener '" + this.name + "' started on port " + this.boundPort);
		}
		catch (IOException | RuntimeException ex) {
			this.boundPort = -1;
			this.failure = "Cannot bind " + this.properties.bind() + ":" + this.properties.port() + "/"
					+ type().transport() + ": " + ex.getMessage();
			this.state = ListenerState.FAILED;
			logger.error("Listener '" + this.name + "' failed to start: " + this.failure);
			return new ListenerOutcome(ListenerOutcome.Result.BIND_FAILED, this, this.failure);
		}
	}

	synchronized ListenerOutcome stop() {
		if (this.state != ListenerState.RUNNING) {
			this.state = ListenerState.STOPPED;
			this.failure = null;
			return new ListenerOutcome(ListenerOutcome.Result.ALREADY_STOPPED, this,
					"Listener '" + this.name + "' is not running");
		}
		this.runtime.stop();
		this.boundPort = -1;
		this.state = ListenerState.STOPPED;
		logger.info("Listener '" + this.name + "' stopped");
		return new ListenerOutcome(ListenerOutcome.Result.STOPPED, this, "Listener '" + this.name + "' stopped");
	}

	void stopAccepting() {
		if (this.state == ListenerState.RUNNING) {
			this.runtime.stopAccepting();
		}
	}

	/** State and figures now. */
	public ListenerStatus status() {
		Collection<ConnectionState> open = this.runtime.connections();
		long queuedBytes = 0;
		long queuedMessages = 0;
		for (ConnectionState connection : open) {
			queuedBytes += connection.queue().bytes();
			queuedMessages += connection.queue().messages();
		}
		return new ListenerStatus(this.name, type().id(), type().transport(), this.properties.bind(), port(),
				this.state, this.failure,
				new ListenerStatus.Connections(open.size(), this.stats.acceptedTotal(), this.stats.rejectedTotal(),
						this.stats.rejectedByReason()),
				new ListenerStatus.Traffic(this.stats.bytesReceived(), this.stats.bytesSent()),
				new ListenerStatus.Traffic(this.stats.messagesReceived(), this.stats.messagesSent()),
				new ListenerStatus.Queue(queuedBytes, queuedMessages), this.stats.errorsTotal(),
				this.stats.errorsByKind());
	}

}
