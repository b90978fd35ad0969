package dev.portico.connection;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic traffic totals of one listener, kept across restarts. Live values (open connections,
 * queued bytes) are not here: they are read from the connections themselves.
 */
public final class TrafficStats {

	private final LongAdder accepted = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	private final LongAdder messagesReceived = new LongAdder();

	private final LongAdder messagesSent = new LongAdder();

	private final ConcurrentMap<String, LongAdder> rejected = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, LongAdder> errors = new ConcurrentHashMap<>();

	public void accepted() {
		this.accepted.increment();
	}

	public void rejected(String reason) {
		this.rejected.computeIfAbsent(reason, (key) -> new LongAdder()).increment();
	}

	public void received(int bytes) {
		receivedBytes(bytes);
		receivedMessage();
	}

	public void receivedBytes(int bytes) {
		this.bytesReceived.add(bytes);
	}

	public void receivedMessage() {
		this.messagesReceived.increment();
	}

	public void sent(int bytes, int messages) {
		this.bytesSent.add(bytes);
		this.messagesSent.add(messages);
	}

	public void error(String kind) {
		this.errors.computeIfAbsent(kind, (key) -> new LongAdder()).increment();
	}

	public long acceptedTotal() {
		return this.accepted.sum();
	}

	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	public long bytesSent() {
		return this.bytesSent.sum();
	}

	public long messagesReceived() {
		return this.messagesReceived.sum();
	}

	public long messagesSent() {
		return this.messagesSent.sum();
	}

	public long rejectedTotal() {
		return sum(this.rejected);
	}

	public long errorsTotal() {
		return sum(this.errors);
	}

	/** Rejected connections by reason, sorted by reason. */
	public Map<String, Long> rejectedByReason() {
		return snapshot(this.rejected);
	}

	/** Errors by kind, sorted by kind. */
	public Map<String, Long> errorsByKind() {
		return snapshot(this.errors);
	}

	private static long sum(Map<String, LongAdder> adders) {
		return adders.values().stream().mapToLong(LongAdder::sum).sum();
	}

	private static Map<String, Long> snapshot(Map<String, LongAdder> adders) {
		Map<String, Long> copy = new TreeMap<>();
		adders.forEach((key, adder) -> copy.put(key, adder.sum()));
		return copy;
	}

}
