package dev.portico.listener;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic traffic totals of one listener, kept across restarts. Live values (open
 * connections, queued bytes) are not here: they are read from the connections themselves.
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

	public void rejected(RejectReason reason) {
		adder(this.rejected, reason.tag()).increment();
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

	public void error(ErrorKind kind) {
		adder(this.errors, kind.tag()).increment();
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

	/** Refused connections of one reason. */
	public long rejected(String tag) {
		LongAdder adder = this.rejected.get(tag);
		return (adder != null) ? adder.sum() : 0;
	}

	/** Errors of one kind. */
	public long errors(String tag) {
		LongAdder adder = this.errors.get(tag);
		return (adder != null) ? adder.sum() : 0;
	}

	/** Rejected connections by reason (reasons seen so far), sorted by reason. */
	public Map<String, Long> rejectedByReason() {
		return snapshot(this.rejected);
	}

	/** Errors by kind (kinds seen so far), sorted by kind. */
	public Map<String, Long> errorsByKind() {
		return snapshot(this.errors);
	}

	private static LongAdder adder(ConcurrentMap<String, LongAdder> adders, String tag) {
		LongAdder adder = adders.get(tag);
		return (adder != null) ? adder : adders.computeIfAbsent(tag, (key) -> new LongAdder());
	}

	private static long sum(Map<String, LongAdder> adders) {
		long total = 0;
		for (LongAdder adder : adders.values()) {
			total += adder.sum();
		}
		return total;
	}

	private static Map<String, Long> snapshot(Map<String, LongAdder> adders) {
		Map<String, Long> copy = new TreeMap<>();
		adders.forEach((key, adder) -> copy.put(key, adder.sum()));
		return copy;
	}

}
