package dev.portico.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.portico.cli.CliException;
import dev.portico.cli.DurationConverter;
import dev.portico.cli.Endpoints;
import dev.portico.cli.PorticoCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code bench} command: a verifying load generator for every listener type. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Load a listener and verify every byte and answer that comes back.",
				"Progress goes to stderr once a second; the summary (or --json) to stdout.",
				"Exits 3 if any reply differed from what was expected, 1 if nothing came back." },
		footer = { "%nModes:", "  echo    ping-pong of --size B messages (64), --pipeline in flight each",
				"  stream  --size B chunks (16 KiB) written and read concurrently per connection",
				"  hold    --conns connections held open, each echoing once per --interval",
				"  search  requests with known answers; --keep-alive, or one per connection",
				"  udp     --size B datagrams echoed back; counts replies and loss" })
public class BenchCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "MODE", description = "echo, stream, hold, search or udp.")
	BenchMode mode;

	@Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE}).")
	String host;

	@Option(names = "--port", description = "Server port (default: the mode's Portico port: echo/stream/hold 65432, "
			+ "search 65434, udp 65435).")
	Integer port;

	@Option(names = "--conns", defaultValue = "10",
			description = "Connections (UDP: sockets) (default: ${DEFAULT-VALUE}).")
	int conns;

	@Option(names = "--size", description = "Message or chunk size in bytes (default: echo/hold/udp 64, stream 16384).")
	Integer size;

	@Option(names = "--pipeline", description = "Messages in flight per connection (default: 1, stream 4).")
	Integer pipeline;

	@Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
			description = "Measured window (default: ${DEFAULT-VALUE}).")
	Duration duration;

	@Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
			description = "Load before the measured window (default: ${DEFAULT-VALUE}).")
	Duration warmup;

	@Option(names = "--rate", defaultValue = "0",
			description = "Target messages/s over all connections; 0 = as fast as replies allow (default).")
	long rate;

	@Option(names = "--timeout", converter = DurationConverter.class,
			description = "A reply later than this is an error (UDP: lost) (default: 5s, udp 1s).")
	Duration timeout;

	@Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
			description = "hold: time between two echoes on one connection (default: ${DEFAULT-VALUE}).")
	Duration interval;

	@Option(names = "--keep-alive",
			description = "search: many requests per connection (the listener needs keep-alive: true).")
	boolean keepAlive;

	@Option(names = "--threads", defaultValue = "1", description = "Selector threads (default: ${DEFAULT-VALUE}).")
	int threads;

	@Option(names = "--max-pending-connects", defaultValue = "256",
			description = "Connection attempts in flight at once (default: ${DEFAULT-VALUE}).")
	int maxPendingConnects;

	@Option(names = "--server-pid", defaultValue = "0",
			description = "Local server process: report its CPU us/message (from /proc/PID/stat) and peak RSS.")
	long serverPid;

	@Option(names = "--json", description = "Print one JSON object to stdout (the summary goes to stderr).")
	boolean json;

	@Override
	public Integer call() throws InterruptedException {
		BenchConfig config = config();
		PrintWriter out = this.spec.commandLine().getOut();
		PrintWriter err = this.spec.commandLine().getErr();
		if (this.mode != BenchMode.udp) {
			probe(config.address());
		}
		BenchResult result = new LoadGenerator(config, err).run();
		if (this.json) {
			result.print(err);
			out.println(result.toJson());
			out.flush();
		}
		else {
			result.print(out);
		}
		if (result.mismatches() > 0) {
			err.println("bench: " + result.mismatches() + " replies differed from what was sent or expected");
			err.flush();
			return PorticoCli.EXIT_MISMATCH;
		}
		if (result.messages() == 0) {
			err.println("bench: no verified reply from " + result.target() + " in the measured window ("
					+ result.errors() + " errors)");
			err.flush();
			return PorticoCli.EXIT_FAILURE;
		}
		return PorticoCli.EXIT_OK;
	}

	BenchConfig config() {
		int port = (this.port != null) ? this.port : switch (this.mode) {
			case search -> 65434;
			case udp -> 65435;
			default -> 65432;
		};
		int size = (this.size != null) ? this.size : this.mode.defaultSize();
		int pipeline = (this.pipeline != null) ? this.pipeline : this.mode.defaultPipeline();
		Duration timeout = (this.timeout != null) ? this.timeout
				: (this.mode == BenchMode.udp) ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
		require(this.conns >= 1, "--conns must be at least 1");
		require(pipeline >= 1, "--pipeline must be at least 1");
		require(this.mode == BenchMode.search || size >= 1, "--size must be at least 1");
		require(this.mode != BenchMode.udp || (size >= 8 && size <= 65507), "udp --size must be 8 to 65507");
		require(this.threads >= 1, "--threads must be at least 1");
		require(!this.duration.isNegative() && !this.duration.isZero(), "--duration must be positive");
		require(!this.warmup.isNegative(), "--warmup must not be negative");
		require(this.rate >= 0, "--rate must not be negative");
		require(this.maxPendingConnects >= 1, "--max-pending-connects must be at least 1");
		// Each connection buffers what it has in flight: keep the generator's own memory
		// bounded.
		require((long) size * pipeline * this.conns <= 1024L * 1024 * 1024,
				"--size x --pipeline x --conns must stay under 1 GiB of buffers");
		return new BenchConfig(this.mode, Endpoints.resolve(this.host, port), this.conns, size, pipeline, this.duration,
				this.warmup, this.rate, timeout, this.interval, this.keepAlive, this.threads, this.maxPendingConnects,
				this.serverPid);
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new CliException(message, 2);
		}
	}

	/** One blocking connect first, so a wrong port fails at once with one clear line. */
	private void probe(InetSocketAddress address) {
		try (Socket socket = new Socket()) {
			socket.connect(address, 2000);
		}
		catch (IOException ex) {
			throw Endpoints.failure("cannot connect to " + Endpoints.describe(this.host, address.getPort()), ex,
					Duration.ofSeconds(2));
		}
	}

}
