package dev.portico.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time spent by the embedded web server's request threads ({@code http-nio-...}), so
 * a test measures what requests cost the server without its own client's work. A thread
 * that ends between two readings takes its time with it; Tomcat keeps its request threads
 * for a minute after their last request, longer than these measurements.
 */
public final class ServerCpu {

	private ServerCpu() {
	}

	/** CPU nanoseconds of the live request threads, summed. */
	public static long requestThreadsNanos() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long total = 0;
		for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info != null && info.getThreadName().startsWith("http-nio-")) {
				long cpu = threads.getThreadCpuTime(info.getThreadId());
				total += Math.max(0, cpu);
			}
		}
		return total;
	}

}
