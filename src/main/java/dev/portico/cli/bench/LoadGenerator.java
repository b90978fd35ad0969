package dev.portico.cli.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

import org.HdrHistogram.Histogram;

import dev.portico.cli.support.Endpoints;

/**
 * Runs one load: starts the workers, reports progress each second, measures a window,
 * gathers the figures.
 */
public final class LoadGenerator {

	/** At most this many connection notes are printed; the rest are only counted. */
	private static final int MAX_NOTES = 10;

	private final BenchConfig config;

	private final PrintWriter progress;

	private final AtomicInteger notes = new AtomicInteger();

	public LoadGenerator(BenchConfig config, PrintWriter progress) {
		this.config = config;
		this.progress = progress;
	}

	/** Runs the load and answers its figures. */
	public BenchResult run() throws InterruptedException {
		int threads = Math.max(1, Math.min(this.config.threads(), this.config.conns()));
		double ratePerWorker = (this.config.rate() > 0) ? (double) this.config.rate() / threads : 0;
		List<Worker> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			workers.add(new Worker(this.config, ratePerWorker, this::note));
		}
		for (int i = 0; i < this.config.conns(); i++) {
			Worker worker = workers.get(i % threads);
			worker.add(newConn(worker, i));
		}
		List<Thread> running = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(workers.get(t), "bench-" + t);
			thread.setDaemon(true);
			running.add(thread);
			thread.start();
		}
		ServerProcess server = (this.config.serverPid() > 0) ? new ServerProcess(this.config.serverPid()) : null;
		long start = System.nanoTime();
		long[] last = { 0 };
		tick(workers, start, start + this.config.warmup().toNanos(), "warmup", last);
		ServerProcess self = new ServerProcess(ProcessHandle.current().pid());
		long cpuBefore = (server != null) ? server.cpuMicros() : -1;
		long selfBefore = self.cpuMicros();
		long loopsBefore = threadCpuNanos(running);
		long windowStart = System.nanoTime();
		workers.forEach((w) -> w.stats.measuring = true);
		tick(workers, start, windowStart + this.config.duration().toNanos(), "measure", last);
		workers.forEach((w) -> w.stats.measuring = false);
		long windowEnd = System.nanoTime();
		long cpuAfter = (server != null) ? server.cpuMicros() : -1;
		long selfAfter = self.cpuMicros();
		long loopsAfter = threadCpuNanos(running);
		long survivors = sum(workers, (s) -> s.open.get());
		workers.forEach(Worker::stop);
		for (Thread thread : running) {
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		workers.forEach((w) -> latency.add(w.stats.latency));
		long messages = sum(workers, (s) -> s.messages.get());
		long windowNanos = windowEnd - windowStart;
		BenchResult.Latency latencyMicros = new BenchResult.Latency(micros(latency, 50), micros(latency, 99),
				micros(latency, 99.9), (latency.getTotalCount() > 0) ? micros(latency.getMaxValue()) : 0);
		return new BenchResult(this.config.mode().name(),
				Endpoints.describe(this.config.address().getHostString(), this.config.address().getPort()),
				this.config.conns(), this.config.size(), this.config.pipeline(),
				BenchResult.round(windowNanos / 1e9, 3), messages, sum(workers, (s) -> s.bytes.get()), latencyMicros,
				sum(workers, (s) -> s.sent.get()), sum(workers, (s) -> s.errors.get()),
				sum(workers, (s) -> s.mismatches.get()), sum(workers, (s) -> s.connectFailures.get()),
				sum(workers, (s) -> s.connects.get()), survivors, sum(workers, (s) -> s.timeouts.get()),
				sum(workers, (s) -> s.lost.get()), sum(workers, (s) -> s.late.get()),
				perMessage(cpuBefore, cpuAfter, messages), (server != null) ? server.statusKib("VmHWM") : -1,
				(server != null) ? server.statusKib("VmRSS") : -1, perMessage(selfBefore, selfAfter, messages),
				(loopsBefore >= 0 && loopsAfter >= 0)
						? BenchResult.round(100.0 * (loopsAfter - loopsBefore) / (windowNanos * (double) threads), 1)
						: -1);
	}

	private Conn newConn(Worker worker, int id) {
		return switch (this.config.mode()) {
			case echo, stream, hold -> new EchoConn(worker, id);
			case search -> new SearchConn(worker, id);
			case udp -> new UdpConn(worker, id);
		};
	}

	/** Prints a progress line every second until {@code until}. */
	private void tick(List<Worker> workers, long start, long until, String phase, long[] last)
			throws InterruptedException {
		long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		while (true) {
			long now = System.nanoTime();
			long wait = Math.min(next, until) - now;
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			now = System.nanoTime();
			if (now >= next) {
				long all = sum(workers, (s) -> s.allMessages.get());
				this.progress.printf(Locale.ROOT, "[%3ds] %-7s %,10d msg/s  open %,6d  errors %d  mismatches %d%n",
						(now - start) / 1_000_000_000, phase, all - last[0], sum(workers, (s) -> s.open.get()),
						sum(workers, (s) -> s.errors.get()), sum(workers, (s) -> s.mismatches.get()));
				this.progress.flush();
				last[0] = all;
				next += TimeUnit.SECONDS.toNanos(1);
			}
			if (now >= until) {
				return;
			}
		}
	}

	private void note(String message) {
		int n = this.notes.incrementAndGet();
		if (n <= MAX_NOTES) {
			this.progress.println("  " + message);
		}
		else if (n == MAX_NOTES + 1) {
			this.progress.println("  (further connection notes are only counted)");
		}
		this.progress.flush();
	}

	private static long sum(List<Worker> workers, ToLongFunction<Stats> field) {
		long total = 0;
		for (Worker worker : workers) {
			total += field.applyAsLong(worker.stats);
		}
		return total;
	}

	/**
	 * CPU time of the selector threads: when they are near 100%, the generator is the
	 * bottleneck.
	 */
	private static long threadCpuNanos(List<Thread> threads) {
		ThreadMXBean mx = ManagementFactory.getThreadMXBean();
		if (!mx.isThreadCpuTimeSupported()) {
			return -1;
		}
		long total = 0;
		for (Thread thread : threads) {
			long nanos = mx.getThreadCpuTime(thread.getId());
			if (nanos < 0) {
				return -1;
			}
			total += nanos;
		}
		return total;
	}

	private static double perMessage(long before, long after, long messages) {
		return (before >= 0 && after >= 0 && messages > 0) ? BenchResult.round((double) (after - before) / messages, 2)
				: -1;
	}

	private static double micros(Histogram histogram, double percentile) {
		return (histogram.getTotalCount() > 0) ? micros(histogram.getValueAtPercentile(percentile)) : 0;
	}

	private static double micros(long nanos) {
		return BenchResult.round(nanos / 1000.0, 1);
	}

}
