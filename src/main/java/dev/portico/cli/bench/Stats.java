package dev.portico.cli.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * One worker's counters: written by its selector thread, read live by the progress
 * reporter.
 */
final class Stats {

	/** Messages completed inside the measured window. */
	final AtomicLong messages = new AtomicLong();

	/** Payload bytes received back inside the measured window. */
	final AtomicLong bytes = new AtomicLong();

	/** Messages completed during the whole run, for the progress line. */
	final AtomicLong allMessages = new AtomicLong();

	final AtomicLong allBytes = new AtomicLong();

	final AtomicLong errors = new AtomicLong();

	final AtomicLong mismatches = new AtomicLong();

	final AtomicLong connectFailures = new AtomicLong();

	final AtomicLong closedByPeer = new AtomicLong();

	final AtomicLong timeouts = new AtomicLong();

	final AtomicLong lost = new AtomicLong();

	final AtomicLong late = new AtomicLong();

	final AtomicLong sent = new AtomicLong();

	final AtomicLong open = new AtomicLong();

	final AtomicLong connects = new AtomicLong();

	/** TLS handshakes completed inside the measured window. */
	final AtomicLong handshakes = new AtomicLong();

	/**
	 * Time from starting to connect to the end of the handshake, summed over the window's
	 * handshakes.
	 */
	final AtomicLong handshakeNanos = new AtomicLong();

	/**
	 * Latency in nanoseconds; only the worker thread records, the generator reads after
	 * join.
	 */
	final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

	volatile boolean measuring;

	void handshake(long nanos) {
		if (this.measuring) {
			this.handshakes.incrementAndGet();
			this.handshakeNanos.addAndGet(nanos);
		}
	}

	void completed(long payloadBytes, long latencyNanos) {
		this.allMessages.incrementAndGet();
		this.allBytes.addAndGet(payloadBytes);
		if (this.measuring) {
			this.messages.incrementAndGet();
			this.bytes.addAndGet(payloadBytes);
			this.latency.recordValue(Math.min(Math.max(latencyNanos, 0), this.latency.getHighestTrackableValue()));
		}
	}

}
