package dev.portico.tcp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A cap on the bytes queued for writing across every connection of every listener (the
 * idea of Envoy's overload manager): past it, readers that would queue more pause and
 * pushes are refused, so many slow clients together cannot exhaust the heap either.
 */
public final class BufferBudget {

	private final long maxBytes;

	private final AtomicLong used = new AtomicLong();

	public BufferBudget(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/** A budget that never refuses. */
	public static BufferBudget unlimited() {
		return new BufferBudget(Long.MAX_VALUE);
	}

	/** Take {@code bytes} from the budget if they fit. */
	boolean tryReserve(long bytes) {
		long current;
		do {
			current = this.used.get();
			if (current + bytes > this.maxBytes && current > 0) {
				return false;
			}
		}
		while (!this.used.compareAndSet(current, current + bytes));
		return true;
	}

	/** Take {@code bytes} from the budget even past its cap. */
	void reserve(long bytes) {
		this.used.addAndGet(bytes);
	}

	/** Whether the budget is spent: queues should stop growing until some is released. */
	boolean isSpent() {
		return this.used.get() >= this.maxBytes;
	}

	void release(long bytes) {
		this.used.addAndGet(-bytes);
	}

	/** Bytes queued now, across all connections. */
	public long used() {
		return this.used.get();
	}

	public long max() {
		return this.maxBytes;
	}

}
