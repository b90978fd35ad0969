package dev.portico.tcp;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Threads of one TCP server: its accept loop, one reader per connection and the outbound
 * queues' writers. The first {@code platformLimit} tasks at a time run on platform
 * threads (a pool that reuses idle ones); past that, on virtual threads where the runtime
 * has them (Java 21+).
 *
 * <p>
 * Why both: a platform thread blocked in a socket read is woken by the kernel directly,
 * which measured fastest per message up to a few hundred connections; a virtual thread
 * costs a few KiB when parked instead of a thread stack, which is what lets ten thousand
 * connections fit in a few hundred MiB. On Java 17 every task runs on a platform thread.
 */
final class ConnectionThreads implements Executor {

	/** Whether this runtime has virtual threads. */
	static final boolean VIRTUAL_THREADS_AVAILABLE = Runtime.version().feature() >= 21;

	private final ExecutorService platform;

	private final Executor virtual;

	private final int platformLimit;

	private final AtomicInteger onPlatform = new AtomicInteger();

	ConnectionThreads(String prefix, int platformLimit) {
		this.platform = Executors.newCachedThreadPool(new CustomizableThreadFactory(prefix));
		this.platformLimit = platformLimit;
		if (VIRTUAL_THREADS_AVAILABLE) {
			SimpleAsyncTaskExecutor virtualThreads = new SimpleAsyncTaskExecutor(prefix + "v-");
			virtualThreads.setVirtualThreads(true);
			this.virtual = virtualThreads;
		}
		else {
			this.virtual = null;
		}
	}

	@Override
	public void execute(Runnable task) {
		if (this.virtual == null) {
			this.platform.execute(task);
		}
		else if (this.onPlatform.incrementAndGet() <= this.platformLimit) {
			try {
				this.platform.execute(() -> {
					try {
						task.run();
					}
					finally {
						this.onPlatform.decrementAndGet();
					}
				});
			}
			catch (RuntimeException ex) {
				this.onPlatform.decrementAndGet();
				throw ex;
			}
		}
		else {
			this.onPlatform.decrementAndGet();
			this.virtual.execute(task);
		}
	}

	/**
	 * Let idle platform threads end; tasks still running (closing connections) finish.
	 */
	void shutdown() {
		this.platform.shutdown();
	}

}
