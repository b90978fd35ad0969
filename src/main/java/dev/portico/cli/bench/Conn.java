package dev.portico.cli.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * One simulated client: a channel plus the state of its exchange, driven by one
 * {@link Worker}.
 */
abstract class Conn {

	final Worker worker;

	final BenchConfig config;

	final Stats stats;

	final int id;

	SelectionKey key;

	/** Waiting in the worker's queue for rate-limiter permits. */
	boolean parked;

	Conn(Worker worker, int id) {
		this.worker = worker;
		this.config = worker.config;
		this.stats = worker.stats;
		this.id = id;
	}

	/** Opens the channel and starts connecting (or sending, for UDP). */
	abstract void open(long now) throws IOException;

	/** Handles readiness of this connection's channel. */
	abstract void ready(SelectionKey key, long now) throws IOException;

	/** Sends what it may now; called again when the rate limiter has permits. */
	abstract void send(long now) throws IOException;

	/** Hold mode: the connection's turn to send its periodic message. */
	void beat(long now) throws IOException {
	}

	/** Counts and drops work that has waited longer than the timeout. */
	abstract void checkTimeout(long now) throws IOException;

	/** Whether the channel is open. */
	abstract boolean isOpen();

	/** Closes the channel, if open; counts nothing. */
	abstract void close();

	/** An I/O failure on this connection: count it and close. */
	void failed(IOException ex) {
		if (isOpen()) {
			this.stats.errors.incrementAndGet();
			this.worker.note("connection " + this.id + ": " + ex.getMessage());
			close();
		}
	}

}
