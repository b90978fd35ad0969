package dev.portico.console;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open event stream: a queue of events bounded in bytes, written to the client by a
 * task on the sender executor, never by the thread that produces the events. At most one
 * send task runs per stream, so events keep their order and a client that stops reading
 * blocks only its own task.
 *
 * <p>
 * A stream ends once: when its queue would exceed its bound (a slow client), when one
 * write has been blocked longer than the send timeout (a stalled client), when a write
 * fails or the container ends the request (the client left), or on shutdown. Its events
 * are released at once; its place among {@code portico.console.max-streams} is given back
 * when its last write has returned, so the number of threads blocked in writes stays
 * bounded.
 */
final class EventStream {

	/** Why a stream ended. */
	enum End {

		/** More events queued than {@code portico.console.max-queued-bytes}. */
		SLOW("slow"),

		/** One write blocked longer than {@code portico.console.send-timeout}. */
		STALLED("stalled"),

		/** A write failed or the container ended the request: the client went away. */
		GONE("gone"),

		/** The service is stopping. */
		SHUTDOWN("shutdown");

		private final String tag;

		End(String tag) {
			this.tag = tag;
		}

		String tag() {
			return this.tag;
		}

	}

	/** Told when a stream stops taking events and when its place is free again. */
	interface Owner {

		void ended(EventStream stream, End reason);

		void released(EventStream stream);

	}

	private final SseEmitter emitter;

	private volatile long maxQueuedBytes;

	private final Executor sender;

	private final Owner owner;

	private final Queue<ConsoleEvent> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final AtomicBoolean ended = new AtomicBoolean();

	private final AtomicBoolean released = new AtomicBoolean();

	private volatile long highWaterBytes;

	private volatile long sendStartedNanos;

	/**
	 * Whether the emitter is finished already (failed write or container callback): do
	 * not complete it.
	 */
	private volatile boolean emitterDone;

	EventStream(SseEmitter emitter, long maxQueuedBytes, Executor sender, Owner owner) {
		this.emitter = emitter;
		this.maxQueuedBytes = maxQueuedBytes;
		this.sender = sender;
		this.owner = owner;
		emitter.onCompletion(() -> containerEnded());
		emitter.onTimeout(() -> containerEnded());
		emitter.onError((ex) -> containerEnded());
	}

	SseEmitter emitter() {
		return this.emitter;
	}

	/**
	 * Raise the bound by the size of the first events (history and figures), which grow
	 * with the number of listeners: a new stream must never be dropped for what it was
	 * given first.
	 */
	void allow(long bytes) {
		this.maxQueuedBytes += bytes;
	}

	/**
	 * Queue an event without ever blocking. An event that would take the queue past its
	 * bound ends the stream instead, unless the queue is empty: a single event always
	 * fits, so a large first event (the history) cannot shut a client out.
	 */
	void offer(ConsoleEvent event) {
		if (this.ended.get()) {
			return;
		}
		long size = event.size();
		long queued = this.queuedBytes.addAndGet(size);
		if (queued > this.maxQueuedBytes && queued != size) {
			this.queuedBytes.addAndGet(-size);
			end(End.SLOW);
			return;
		}
		if (queued > this.highWaterBytes) {
			this.highWaterBytes = queued;
		}
		this.queue.add(event);
		schedule();
	}

	/**
	 * Whether a write has been blocked for longer than {@code timeoutNanos}, as of
	 * {@code now}.
	 */
	boolean isStalled(long now, long timeoutNanos) {
		long started = this.sendStartedNanos;
		return started != 0 && now - started > timeoutNanos;
	}

	boolean isEnded() {
		return this.ended.get();
	}

	long queuedBytes() {
		return Math.max(0, this.queuedBytes.get());
	}

	/** The most bytes this stream ever had queued. */
	long highWaterBytes() {
		return this.highWaterBytes;
	}

	/**
	 * Stop taking events and let the send task complete the response once its write
	 * returns.
	 */
	void end(End reason) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		this.queue.clear();
		this.queuedBytes.set(0);
		this.owner.ended(this, reason);
		schedule();
	}

	private void containerEnded() {
		this.emitterDone = true;
		end(End.GONE);
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.sender.execute(this::drain);
			}
			catch (RuntimeException ex) {
				// the sender executor is shut down: nothing will write to this stream
				// again
				this.scheduled.set(false);
				this.emitterDone = true;
				this.ended.set(true);
				release();
			}
		}
	}

	/** Runs on the sender executor, one task per stream at a time. */
	private void drain() {
		while (true) {
			if (this.ended.get()) {
				finish();
				return;
			}
			ConsoleEvent event = this.queue.poll();
			if (event == null) {
				this.scheduled.set(false);
				// an event or an end may have arrived after the poll and found the task
				// still scheduled
				if ((this.queue.isEmpty() && !this.ended.get()) || !this.scheduled.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			this.queuedBytes.addAndGet(-event.size());
			this.sendStartedNanos = System.nanoTime();
			try {
				this.emitter.send(event.toSse());
			}
			catch (IOException | RuntimeException ex) {
				// the client is gone; Spring MVC completes the failed response itself
				this.emitterDone = true;
				end(End.GONE);
			}
			finally {
				this.sendStartedNanos = 0;
			}
		}
	}

	private void finish() {
		if (!this.emitterDone) {
			try {
				this.emitter.complete();
			}
			catch (RuntimeException ex) {
				// already completed by the container
			}
		}
		release();
	}

	private void release() {
		if (this.released.compareAndSet(false, true)) {
			this.owner.released(this);
		}
	}

}
