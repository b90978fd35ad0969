package dev.portico.tcp;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's outbound queue, bounded in bytes. Bytes count as queued until they are
 * written to the socket, so the figures say exactly what is still waiting.
 *
 * <p>
 * One writer at a time drains it: {@link #offer} reports when the caller must start one,
 * and {@link #poll} tells the writer to stop when the queue is empty. A single item
 * larger than the bound is accepted into an empty queue, so no message is unsendable.
 */
public final class OutboundQueue {

	/** What became of an offered item. */
	public enum Offer {

		/** Queued; a writer is already draining. */
		QUEUED,

		/** Queued; the caller must start a writer. */
		QUEUED_START_WRITER,

		/** Not queued: the queue is full. */
		FULL,

		/** Not queued: the service-wide buffer budget is spent. */
		OVERLOADED,

		/** Not queued: the connection is closed. */
		CLOSED

	}

	private final long maxBytes;

	private final BufferBudget budget;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private static final long MAX_BUDGET_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final ArrayDeque<byte[]> items = new ArrayDeque<>();

	private long bytes;

	private int messages;

	private boolean writing;

	private boolean closed;

	public OutboundQueue(long maxBytes) {
		this(maxBytes, BufferBudget.unlimited());
	}

	public OutboundQueue(long maxBytes, BufferBudget budget) {
		this.maxBytes = maxBytes;
		this.budget = budget;
	}

	/** Queue an item if there is room now. */
	public Offer offer(byte[] item) {
		this.lock.lock();
		try {
			if (this.closed) {
				return Offer.CLOSED;
			}
			if (!hasRoomFor(item.length)) {
				return Offer.FULL;
			}
			if (!this.budget.tryReserve(item.length)) {
				return Offer.OVERLOADED;
			}
			return add(item);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Queue an item whatever the bounds; the shared budget counts it even past its cap.
	 * For an event loop, which cannot wait for room: it bounds a connection by pausing
	 * its reads once the queue is full, so the queue passes its bound by one read at
	 * most.
	 */
	Offer append(byte[] item) {
		this.lock.lock();
		try {
			if (this.closed) {
				return Offer.CLOSED;
			}
			this.budget.reserve(item.length);
			return add(item);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Queue an item, waiting up to {@code timeout} for room: backpressure for a reader
	 * whose peer does not read its replies.
	 */
	public Offer offer(byte[] item, long timeout, TimeUnit unit) throws InterruptedException {
		long nanos = unit.toNanos(timeout);
		this.lock.lock();
		try {
			while (!this.closed) {
				boolean room = hasRoomFor(item.length);
				if (room && this.budget.tryReserve(item.length)) {
					return add(item);
				}
				if (nanos <= 0) {
					return room ? Offer.OVERLOADED : Offer.FULL;
				}
				// room in this queue is signalled; room in the shared budget is polled
				long slice = Math.min(nanos, MAX_BUDGET_WAIT_NANOS);
				nanos -= slice - this.changed.awaitNanos(slice);
			}
			return Offer.CLOSED;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Take queued items for one write, joined into one array of at most {@code maxBytes}
	 * (or one larger item). Returns {@code null}, and marks the writer stopped, when
	 * there is nothing. The bytes stay counted as queued until {@link #written}.
	 */
	public Batch poll(int maxBatchBytes) {
		this.lock.lock();
		try {
			if (this.items.isEmpty() || this.closed) {
				this.writing = false;
				this.changed.signalAll();
				return null;
			}
			byte[] first = this.items.poll();
			if (this.items.isEmpty() || first.length + this.items.peek().length > maxBatchBytes) {
				return new Batch(first, 1);
			}
			int total = first.length;
			int count = 1;
			for (byte[] next : this.items) {
				if (total + next.length > maxBatchBytes) {
					break;
				}
				total += next.length;
				count++;
			}
			byte[] joined = new byte[total];
			System.arraycopy(first, 0, joined, 0, first.length);
			int at = first.length;
			for (int i = 1; i < count; i++) {
				byte[] next = this.items.poll();
				System.arraycopy(next, 0, joined, at, next.length);
				at += next.length;
			}
			return new Batch(joined, count);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A polled batch has been written: it no longer counts as queued. */
	public void written(Batch batch) {
		this.lock.lock();
		try {
			if (!this.closed) {
				this.bytes -= batch.bytes().length;
				this.messages -= batch.messages();
				this.budget.release(batch.bytes().length);
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait until everything queued has been written, the queue closes, or the time is up.
	 */
	public boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
		long nanos = unit.toNanos(timeout);
		this.lock.lock();
		try {
			while (!this.closed && (this.messages > 0 || this.writing)) {
				if (nanos <= 0) {
					return false;
				}
				nanos = this.changed.awaitNanos(nanos);
			}
			return this.messages == 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Drop everything and refuse further items; wakes every waiter. */
	public void close() {
		this.lock.lock();
		try {
			if (!this.closed) {
				this.budget.release(this.bytes);
			}
			this.closed = true;
			this.items.clear();
			this.bytes = 0;
			this.messages = 0;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Bytes waiting to be written, including those being written now. */
	public long bytes() {
		this.lock.lock();
		try {
			return this.bytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Messages waiting to be written, including those being written now. */
	public int messages() {
		this.lock.lock();
		try {
			return this.messages;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean hasRoomFor(int length) {
		return this.bytes == 0 || this.bytes + length <= this.maxBytes;
	}

	private Offer add(byte[] item) {
		this.items.add(item);
		this.bytes += item.length;
		this.messages++;
		if (this.writing) {
			return Offer.QUEUED;
		}
		this.writing = true;
		return Offer.QUEUED_START_WRITER;
	}

	/** Items joined for one write. */
	public record Batch(byte[] bytes, int messages) {
	}

}
