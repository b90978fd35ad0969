package dev.portico.tcp;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The service-wide cap on open TCP connections, {@code portico.max-connections}, across
 * every listener: each connection holds a file descriptor, and a process out of them can
 * accept nothing, not even an HTTP request to its own API. The cap is lowered at start,
 * with a warning, when the process's file descriptor limit minus {@value #HEADROOM} (for
 * the HTTP server, whose own cap is {@code server.tomcat.max-connections}, the JVM's
 * files and the listening sockets) cannot hold it.
 */
final class ConnectionLimit {

	/** File descriptors left for everything but listener connections. */
	static final int HEADROOM = 1024;

	private static final Log logger = LogFactory.getLog(ConnectionLimit.class);

	private final int max;

	private final AtomicInteger open = new AtomicInteger();

	ConnectionLimit(int max) {
		this.max = max;
	}

	/**
	 * The configured cap, lowered to what the process's file descriptor limit can hold.
	 */
	static ConnectionLimit forProcess(int configured) {
		long limit = fileDescriptorLimit();
		int effective = configured;
		if (limit > 0 && limit - HEADROOM < configured) {
			effective = (int) Math.max(1, Math.max(limit - HEADROOM, limit / 2));
			logger.warn("portico.max-connections is " + configured + " but this process may open only " + limit
					+ " files (ulimit -n): TCP connections are capped at " + effective
					+ " so the service never runs out of file descriptors; raise the limit to allow more");
		}
		return new ConnectionLimit(effective);
	}

	/** The cap in force. */
	int max() {
		return this.max;
	}

	/** Take a slot if one is free. */
	boolean tryAcquire() {
		int current;
		do {
			current = this.open.get();
			if (current >= this.max) {
				return false;
			}
		}
		while (!this.open.compareAndSet(current, current + 1));
		return true;
	}

	void release() {
		this.open.decrementAndGet();
	}

	/** Connections open now, across listeners. */
	int open() {
		return this.open.get();
	}

	private static long fileDescriptorLimit() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) ? unix.getMaxFileDescriptorCount()
				: -1;
	}

}
