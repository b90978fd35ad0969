package dev.portico.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One selector thread driving many connections. Non-blocking throughout, so 10,000
 * connections cost the generator a few megabytes and no threads.
 */
final class Worker implements Runnable {

	/** Timer resolution for hold beats and timeouts. */
	static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	final BenchConfig config;

	final Stats stats = new Stats();

	final Selector selector;

	/**
	 * Shared by this worker's connections: a read is verified before the next one starts.
	 */
	final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);

	final List<Conn> conns = new ArrayList<>();

	private final ArrayDeque<Conn> connectQueue = new ArrayDeque<>();

	private final ArrayDeque<Conn> starved = new ArrayDeque<>();

	private final Consumer<String> notes;

	private final double permitsPerNano;

	private final int beatSlots;

	private long startNanos;

	private long permitsUsed;

	private int pendingConnects;

	private volatile boolean stopping;

	Worker(BenchConfig config, double ratePerSecond, Consumer<String> notes) {
		this.config = config;
		this.notes = notes;
		this.permitsPerNano = ratePerSecond / 1e9;
		this.beatSlots = (int) Math.max(1, config.interval().toNanos() / TICK_NANOS);
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	void add(Conn conn) {
		this.conns.add(conn);
		this.connectQueue.add(conn);
	}

	void stop() {
		this.stopping = true;
		this.selector.wakeup();
	}

	@Override
	public void run() {
		this.startNanos = System.nanoTime();
		long nextTick = this.startNanos + TICK_NANOS;
		long ticks = 0;
		try {
			while (!this.stopping) {
				long now = System.nanoTime();
				openMore(now);
				long waitMillis = (this.permitsPerNano > 0 && !this.starved.isEmpty()) ? 1
						: Math.max(1, (nextTick - now) / 1_000_000);
				this.selector.select(waitMillis);
				now = System.nanoTime();
				Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					Conn conn = (Conn) key.attachment();
					try {
						if (key.isValid()) {
							conn.ready(key, now);
						}
					}
					catch (IOException ex) {
						conn.failed(ex);
					}
					catch (CancelledKeyException ex) {
						// Closed while handling this event: nothing left to do for it.
						conn.close();
					}
				}
				releaseStarved(now);
				if (now >= nextTick) {
					nextTick += TICK_NANOS;
					if (nextTick < now) {
						nextTick = now + TICK_NANOS;
					}
					ticks++;
					onTick(now, ticks);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			note("worker stopped: " + ex);
			this.stats.errors.incrementAndGet();
		}
		finally {
			for (Conn conn : this.conns) {
				conn.close();
			}
			try {
				this.selector.close();
			}
			catch (IOException ignored) {
				// closing at the end of the run
			}
		}
	}

	private void onTick(long now, long ticks) {
		if (this.config.mode() == BenchMode.hold) {
			// Each connection owns one slot of the interval, so beats are spread evenly
			// over it.
			int slot = (int) (ticks % this.beatSlots);
			for (int i = slot; i < this.conns.size(); i += this.beatSlots) {
				Conn conn = this.conns.get(i);
				try {
					conn.beat(now);
				}
				catch (IOException ex) {
					conn.failed(ex);
				}
			}
		}
		if (ticks % 10 == 0) {
			for (Conn conn : this.conns) {
				try {
					conn.checkTimeout(now);
				}
				catch (IOException ex) {
					conn.failed(ex);
				}
			}
		}
	}

	/**
	 * Starts queued connection attempts, a bounded number at a time so the server's
	 * backlog is not flooded.
	 */
	private void openMore(long now) {
		while (this.pendingConnects < this.config.maxPendingConnects() && !this.connectQueue.isEmpty()) {
			Conn conn = this.connectQueue.poll();
			try {
				this.pendingConnects++;
				conn.open(now);
			}
			catch (IOException ex) {
				connectFailed(conn, ex);
			}
		}
	}

	/** Queues a connection to be opened again (search without keep-alive). */
	void reconnect(Conn conn) {
		this.connectQueue.add(conn);
	}

	void connected() {
		this.pendingConnects--;
		this.stats.connects.incrementAndGet();
		this.stats.open.incrementAndGet();
	}

	void connectFailed(Conn conn, IOException ex) {
		this.pendingConnects--;
		this.stats.connectFailures.incrementAndGet();
		this.stats.errors.incrementAndGet();
		note("connection " + conn.id + ": connect failed: " + ex.getMessage());
		conn.close();
	}

	/** Whether one more message may be sent now under {@code --rate}. */
	boolean acquire(long now) {
		if (this.permitsPerNano <= 0) {
			return true;
		}
		double allowed = (now - this.startNanos) * this.permitsPerNano + 1;
		if (this.permitsUsed < allowed) {
			this.permitsUsed++;
			return true;
		}
		return false;
	}

	/** Parks a connection until the rate limiter has permits again. */
	void starve(Conn conn) {
		if (!conn.parked) {
			conn.parked = true;
			this.starved.add(conn);
		}
	}

	private void releaseStarved(long now) {
		int n = this.starved.size();
		for (int i = 0; i < n; i++) {
			Conn conn = this.starved.poll();
			conn.parked = false;
			try {
				if (conn.isOpen()) {
					conn.send(now);
				}
			}
			catch (IOException ex) {
				conn.failed(ex);
			}
			if (this.permitsPerNano > 0 && !acquirePeek(now)) {
				break;
			}
		}
	}

	private boolean acquirePeek(long now) {
		return this.permitsUsed < (now - this.startNanos) * this.permitsPerNano + 1;
	}

	void mismatch(Conn conn, String detail) {
		this.stats.mismatches.incrementAndGet();
		note("connection " + conn.id + ": MISMATCH " + detail);
	}

	void note(String message) {
		this.notes.accept(message);
	}

}
