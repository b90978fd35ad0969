package dev.portico.cli.bench;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.core.util.Separators.Spacing;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The figures of one load run. Its JSON form ({@link #toJson()}) has the component names
 * as keys, plus {@code msgPerSec} and {@code mbPerSec}.
 *
 * @param mode the mode run
 * @param target {@code host:port}
 * @param conns connections asked for
 * @param size message size in bytes
 * @param pipeline messages in flight per connection
 * @param seconds length of the measured window
 * @param messages messages completed (verified) in the window
 * @param bytes payload bytes received back in the window
 * @param latencyMicros latency percentiles
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
 * @param serverCpuMicrosPerMsg server CPU time per message in the window, or -1
 * @param serverPeakRssKib server peak resident set (VmHWM), or -1
 * @param serverRssKib server resident set at the end of the window (VmRSS), or -1
 * @param generatorCpuMicrosPerMsg this load generator's own CPU time per message (JIT and
 * GC included), or -1
 * @param generatorBusyPercent how busy the generator's selector threads were, 100 meaning
 * every one of them used a whole CPU (then the generator, not the server, was the limit),
 * or -1
 */
@JsonPropertyOrder({ "mode", "target", "conns", "size", "pipeline", "seconds", "messages", "bytes", "msgPerSec",
		"mbPerSec", "latencyMicros" })
public record BenchResult(String mode, String target, int conns, int size, int pipeline, double seconds, long messages,
		long bytes, Latency latencyMicros, long sent, long errors, long mismatches, long connectFailures, long connects,
		long survivors, long timeouts, long lost, long late, double serverCpuMicrosPerMsg, long serverPeakRssKib,
		long serverRssKib, double generatorCpuMicrosPerMsg, double generatorBusyPercent) {

	/**
	 * Python's {@code json.dumps} layout ({@code "key": value, ...}), as scripts reading
	 * this output know it.
	 */
	private static final ObjectWriter JSON = JsonMapper.builder().build().writer().with(pythonLayout());

	/** Verified messages per second in the window. */
	@JsonProperty("msgPerSec")
	public double messagesPerSecond() {
		return round((this.seconds > 0) ? this.messages / this.seconds : 0, 1);
	}

	/** Payload megabytes (10^6) per second received back in the window. */
	@JsonProperty("mbPerSec")
	public double megabytesPerSecond() {
		return round((this.seconds > 0) ? this.bytes / this.seconds / 1e6 : 0, 3);
	}

	/** One JSON object, for scripts. */
	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	/** A short human summary. */
	public void print(PrintWriter out) {
		String load = (this.size > 0) ? this.size + " B x " + this.pipeline : Integer.toString(this.pipeline);
		out.printf(Locale.ROOT, "%s %s: %d conns, %s in flight, %.1f s measured%n", this.mode, this.target, this.conns,
				load, this.seconds);
		out.printf(Locale.ROOT, "  throughput  %,.0f msg/s  %.2f MB/s  (%,d messages verified)%n", messagesPerSecond(),
				megabytesPerSecond(), this.messages);
		out.printf(Locale.ROOT, "  latency     p50 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us%n",
				this.latencyMicros.p50(), this.latencyMicros.p99(), this.latencyMicros.p999(),
				this.latencyMicros.max());
		out.printf(Locale.ROOT, "  checks      %d mismatches  %d errors  (%d connect failures, %d timeouts)%n",
				this.mismatches, this.errors, this.connectFailures, this.timeouts);
		if (this.generatorCpuMicrosPerMsg >= 0) {
			out.printf(Locale.ROOT, "  generator   %.2f us CPU/msg (this process), selector threads %.0f%% busy%n",
					this.generatorCpuMicrosPerMsg, this.generatorBusyPercent);
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
		if (this.serverCpuMicrosPerMsg >= 0 || this.serverPeakRssKib >= 0) {
			out.printf(Locale.ROOT, "  server      %.2f us CPU/msg  peak RSS %,d KiB  RSS %,d KiB%n",
					this.serverCpuMicrosPerMsg, this.serverPeakRssKib, this.serverRssKib);
		}
		out.flush();
	}

	/**
	 * Latency from send to the reply's last byte, in microseconds.
	 *
	 * @param p50 the median
	 * @param p99 the 99th percentile
	 * @param p999 the 99.9th percentile
	 * @param max the maximum
	 */
	public record Latency(double p50, double p99, double p999, double max) {

	}

	/**
	 * {@code value} to {@code places} decimals, so the JSON carries no false precision.
	 */
	static double round(double value, int places) {
		return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).doubleValue();
	}

	private static PrettyPrinter pythonLayout() {
		DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
			.withObjectNameValueSpacing(Spacing.AFTER)
			.withObjectEntrySpacing(Spacing.AFTER));
		printer.indentObjectsWith(new DefaultPrettyPrinter.NopIndenter());
		return printer;
	}

}
