package dev.portico.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The figures of one load run.
 *
 * @param mode the mode run
 * @param target {@code host:port}
 * @param conns connections asked for
 * @param size message size in bytes
 * @param pipeline messages in flight per connection
 * @param seconds length of the measured window
 * @param messages messages completed (verified) in the window
 * @param bytes payload bytes received back in the window
 * @param p50Micros latency median
 * @param p99Micros latency 99th percentile
 * @param p999Micros latency 99.9th percentile
 * @param maxMicros latency maximum
 * @param sent messages sent over the whole run
 * @param errors errors over the whole run (failed connects, resets, closes, timeouts)
 * @param mismatches replies that differed from what was expected
 * @param connectFailures connection attempts that failed
 * @param connects connections established
 * @param survivors connections still open at the end of the window
 * @param timeouts replies that did not come within the timeout (TCP)
 * @param lost datagrams not answered within the timeout (UDP)
 * @param late replies after their deadline (UDP) or beats still outstanding at the next
 * beat (hold)
 * @param serverCpuMicrosPerMessage server CPU time per message in the window, or -1
 * @param serverPeakRssKib server peak resident set (VmHWM), or -1
 * @param serverRssKib server resident set at the end of the window (VmRSS), or -1
 * @param generatorCpuMicrosPerMessage this load generator's own CPU time per message (JIT
 * and GC included), or -1
 * @param generatorBusyPercent how busy the generator's selector threads were, 100 meaning
 * every one of them used a whole CPU (then the generator, not the server, was the limit),
 * or -1
 */
public record BenchResult(String mode, String target, int conns, int size, int pipeline, double seconds, long messages,
		long bytes, double p50Micros, double p99Micros, double p999Micros, double maxMicros, long sent, long errors,
		long mismatches, long connectFailures, long connects, long survivors, long timeouts, long lost, long late,
		double serverCpuMicrosPerMessage, long serverPeakRssKib, long serverRssKib, double generatorCpuMicrosPerMessage,
		double generatorBusyPercent) {

	/** Verified messages per second in the window. */
	public double messagesPerSecond() {
		return (this.seconds > 0) ? this.messages / this.seconds : 0;
	}

	/** Payload megabytes (10^6) per second received back in the window. */
	public double megabytesPerSecond() {
		return (this.seconds > 0) ? this.bytes / this.seconds / 1e6 : 0;
	}

	/** One JSON object, for scripts. */
	public String toJson() {
		return String.format(Locale.ROOT, "{\"mode\": \"%s\", \"target\": \"%s\", \"conns\": %d, \"size\": %d, "
				+ "\"pipeline\": %d, \"seconds\": %.3f, \"messages\": %d, \"bytes\": %d, \"msgPerSec\": %.1f, "
				+ "\"mbPerSec\": %.3f, \"latencyMicros\": {\"p50\": %.1f, \"p99\": %.1f, \"p999\": %.1f, \"max\": %.1f}, "
				+ "\"sent\": %d, \"errors\": %d, \"mismatches\": %d, \"connectFailures\": %d, \"connects\": %d, "
				+ "\"survivors\": %d, \"timeouts\": %d, \"lost\": %d, \"late\": %d, \"serverCpuMicrosPerMsg\": %.2f, "
				+ "\"serverPeakRssKib\": %d, \"serverRssKib\": %d, \"generatorCpuMicrosPerMsg\": %.2f, "
				+ "\"generatorBusyPercent\": %.1f}", this.mode, this.target, this.conns, this.size, this.pipeline,
				this.seconds, this.messages, this.bytes, messagesPerSecond(), megabytesPerSecond(), this.p50Micros,
				this.p99Micros, this.p999Micros, this.maxMicros, this.sent, this.errors, this.mismatches,
				this.connectFailures, this.connects, this.survivors, this.timeouts, this.lost, this.late,
				this.serverCpuMicrosPerMessage, this.serverPeakRssKib, this.serverRssKib,
				this.generatorCpuMicrosPerMessage, this.generatorBusyPercent);
	}

	/** A short human summary. */
	public void print(PrintWriter out) {
		String load = (this.size > 0) ? this.size + " B x " + this.pipeline : Integer.toString(this.pipeline);
		out.printf(Locale.ROOT, "%s %s: %d conns, %s in flight, %.1f s measured%n", this.mode, this.target, this.conns,
				load, this.seconds);
		out.printf(Locale.ROOT, "  throughput  %,.0f msg/s  %.2f MB/s  (%,d messages verified)%n", messagesPerSecond(),
				megabytesPerSecond(), this.messages);
		out.printf(Locale.ROOT, "  latency     p50 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us%n", this.p50Micros,
				this.p99Micros, this.p999Micros, this.maxMicros);
		out.printf(Locale.ROOT, "  checks      %d mismatches  %d errors  (%d connect failures, %d timeouts)%n",
				this.mismatches, this.errors, this.connectFailures, this.timeouts);
		if (this.generatorCpuMicrosPerMessage >= 0) {
			out.printf(Locale.ROOT, "  generator   %.2f us CPU/msg (this process), selector threads %.0f%% busy%n",
					this.generatorCpuMicrosPerMessage, this.generatorBusyPercent);
		}
		out.printf(Locale.ROOT, "  connections %d established, %d open at the end%n", this.connects, this.survivors);
		if ("udp".equals(this.mode)) {
			out.printf(Locale.ROOT, "  udp         %d lost, %d late of %d sent (%.2f%% loss)%n", this.lost, this.late,
					this.sent, (this.sent > 0) ? 100.0 * this.lost / this.sent : 0);
		}
		if ("hold".equals(this.mode)) {
			out.printf(Locale.ROOT, "  hold        %d of %d connections survived, %d late beats%n", this.survivors,
					this.conns, this.late);
		}
		if (this.serverCpuMicrosPerMessage >= 0 || this.serverPeakRssKib >= 0) {
			out.printf(Locale.ROOT, "  server      %.2f us CPU/msg  peak RSS %,d KiB  RSS %,d KiB%n",
					this.serverCpuMicrosPerMessage, this.serverPeakRssKib, this.serverRssKib);
		}
		out.flush();
	}

}
