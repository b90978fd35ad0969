package dev.portico.tcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One selector thread that reads and writes many connections without blocking: each ready
 * connection is read once into this loop's buffer, its units handled, and what the
 * handler queued written before the next, so a message costs a read and a write and no
 * thread hop. Other threads (pushes, closes, new connections) hand it tasks.
 */
final class EventLoop implements Runnable {

	/** Bytes read per socket read: the largest chunk a read hands over. */
	static final int READ_BUFFER = 64 * 1024;

	/** How often connections paused on the shared buffer budget look again. */
	private static final long BUDGET_RECHECK_MILLIS = 50;

	private static final Log logger = LogFactory.getLog(EventLoop.class);

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** A wake-up is already on its way: later tasks need not wake the selector again. */
	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);

	/** Connections whose reads pause until the shared buffer budget has room. */
	private final Set<LoopConnection<?>> waitingForBudget = new LinkedHashSet<>();

	private final CountDownLatch ended = new CountDownLatch(1);

	private volatile boolean running = true;

	EventLoop(String name) {
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open a selector for " + name, ex);
		}
		this.thread = new Thread(this, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Run a task on this loop soon (at once if called from it, after what it is doing).
	 */
	void execute(Runnable task) {
		this.tasks.add(task);
		if (Thread.currentThread() != this.thread && this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Wake the selector so that it processes closed channels (which frees their sockets).
	 */
	void wakeup() {
		if (this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	SelectionKey register(SocketChannel channel, LoopConnection<?> connection) throws ClosedChannelException {
		return channel.register(this.selector, SelectionKey.OP_READ, connection);
	}

	ByteBuffer readBuffer() {
		return this.readBuffer;
	}

	void waitForBudget(LoopConnection<?> connection) {
		this.waitingForBudget.add(connection);
	}

	@Override
	public void run() {
		try {
			while (this.running) {
				try {
					if (!this.tasks.isEmpty()) {
						this.selector.selectNow(EventLoop::ready);
					}
					else {
						this.selector.select(EventLoop::ready,
								this.waitingForBudget.isEmpty() ? 0 : BUDGET_RECHECK_MILLIS);
					}
					this.wakeupPending.set(false);
					runTasks();
					if (!this.waitingForBudget.isEmpty()) {
						recheckBudget();
					}
				}
				catch (IOException | RuntimeException ex) {
					if (this.running) {
						logger.error("Event loop " + this.thread.getName() + " failed to select; going on", ex);
					}
				}
			}
		}
		finally {
			closeEverything();
			this.ended.countDown();
		}
	}

	private static void ready(SelectionKey key) {
		((LoopConnection<?>) key.attachment()).ready(key);
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Event loop task failed", ex);
			}
		}
	}

	private void recheckBudget() {
		List<LoopConnection<?>> waiting = new ArrayList<>(this.waitingForBudget);
		this.waitingForBudget.clear();
		long now = System.nanoTime();
		for (LoopConnection<?> connection : waiting) {
			connection.recheckBudget(now);
		}
	}

	/** Stop the thread and close the connections still registered. */
	void shutdown() {
		this.running = false;
		this.selector.wakeup();
		if (!inLoop()) {
			try {
				this.ended.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void closeEverything() {
		runTasks();
		try {
			for (SelectionKey key : this.selector.keys()) {
				((LoopConnection<?>) key.attachment()).close(CloseReason.STOPPED);
			}
			this.selector.close();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing event loop " + this.thread.getName(), ex);
		}
	}

}
