package dev.portico.listener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;

/**
 * Logs a warning at most once per key and interval, with the number of occurrences
 * suppressed since the last line: a flood of bad clients gives a few log lines, not a log
 * storm.
 */
public final class RateLimitedLog {

	private final Log log;

	private final long intervalNanos;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	public RateLimitedLog(Log log, Duration interval) {
		this.log = log;
		this.intervalNanos = interval.toNanos();
	}

	public void warn(String key, String message) {
		if (!this.log.isWarnEnabled()) {
			return;
		}
		Window window = this.windows.computeIfAbsent(key, (k) -> new Window());
		long now = System.nanoTime();
		long last = window.lastLogged.get();
		if (last != 0 && now - last < this.intervalNanos) {
			window.suppressed.incrementAndGet();
			return;
		}
		if (!window.lastLogged.compareAndSet(last, now)) {
			window.suppressed.incrementAndGet();
			return;
		}
		long suppressed = window.suppressed.getAndSet(0);
		this.log.warn(
				(suppressed > 0) ? message + " (and " + suppressed + " more like it since the last report)" : message);
	}

	private static final class Window {

		final AtomicLong lastLogged = new AtomicLong();

		final AtomicLong suppressed = new AtomicLong();

	}

}
