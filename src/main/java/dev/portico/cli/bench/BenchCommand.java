package dev.portico.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.portico.cli.support.CliException;
import dev.portico.cli.support.DurationConverter;
import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;
import dev.portico.cli.support.ServerAddress;
import dev.portico.protocol.DefaultPorts;

/** The {@code bench} command: a verifying load generator for every listener type. */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
		description = { "Load a listener and verify every byte and answer that comes back.",
				"Progress goes to stderr once a second; the summary (or --json) to stdout.",
				"Exits 3 if any reply differed from what was expected, 1 if nothing came back." },
		footer = { "%nModes, and the port each aims at by default (Portico's listener for it):",
				"  echo    ping-pong of --size B messages (64), --pipeline in flight   " + DefaultPorts.ECHO,
				"  stream  --size B chunks (16 KiB) written and read concurrently      " + DefaultPorts.ECHO,
				"  hold    --conns connections held open, one echo per --interval      " + DefaultPorts.ECHO,
				"  search  requests with known answers, --keep-alive or one per        " + DefaultPorts.SEARCH,
				"          connection",
				"  udp     --size B datagrams echoed back; counts replies and loss     " + DefaultPorts.UDP,
				"%nServer figures (CPU per message, RSS) need the server's process on this",
				"machine: --server-url (bench reads the PID from URL/actuator/info; the",
				"server needs management.info.process.enabled=true) or --server-pid.",
				"Without either, none are reported." })
public class BenchCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Parameters(index = "0", paramLabel = "MODE", description = "echo, stream, hold, search or udp.")
	BenchMode mode;

	@Mixin
	ServerAddress server = new ServerAddress();

	@Option(names = "--conns", defaultValue = "10", description = "Connections (UDP: sockets).")
	int conns;

	@Option(names = "--size", description = "Message or chunk size in bytes (default: echo/hold/udp 64, stream 16384).")
	Integer size;

	@Option(names = "--pipeline", description = "Messages in flight per connection (default: 1, stream 4).")
	Integer pipeline;

	@Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
			description = "Measured window.")
	Duration duration;

	@Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
			description = "Load before the measured window.")
	Duration warmup;

	@Option(names = "--rate", defaultValue = "0",
			description = "Target messages/s over all connections; 0 = as fast as replies allow.")
	long rate;

	@Option(names = "--timeout", converter = DurationConverter.class,
			description = "A reply later than this is an error (UDP: lost) (default: 5s, udp 1s).")
	Duration timeout;

	@Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
			description = "hold: time between two echoes on one connection.")
	Duration interval;

	@Option(names = "--keep-alive",
			description = "search: many requests per connection (the listener needs keep-alive: true).")
	boolean keepAlive;

	@Option(names = "--threads", defaultValue = "1", description = "Selector threads.")
	int threads;

	@Option(names = "--max-pending-connects", defaultValue = "256",
			description = "Connection attempts in flight at once.")
	int maxPendingConnects;

	@Option(names = "--server-url", paramLabel = "URL",
			description = "The server's HTTP address (http://localhost:8080): bench reads its PID from "
					+ "URL/actuator/info and reports its CPU us/message and RSS.")
	String serverUrl;

	// Takes several values only to refuse them with a clear line: $(pgrep ...) can expand
	// to many PIDs.
	@Option(names = "--server-pid", arity = "1..*", paramLabel = "PID", hideParamSyntax = true,
			description = "A local server process: report its CPU us/message (from /proc/PID/stat) and peak RSS.")
	List<Long> serverPid;

	@Option(names = "--json", description = "Print one JSON object to stdout (the summary goes to stderr).")
	boolean json;

	@Override
	public Integer call() throws InterruptedException {
		PrintWriter out = this.spec.commandLine().getOut();
		PrintWriter err = this.spec.commandLine().getErr();
		BenchConfig config = config(err);
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
			return ExitCode.MISMATCH;
		}
		if (result.messages() == 0) {
			err.println("bench: no verified reply from " + result.target() + " in the measured window ("
					+ result.errors() + " errors)");
			err.flush();
			return ExitCode.FAILURE;
		}
		return ExitCode.OK;
	}

	private BenchConfig config(PrintWriter progress) {
		int port = this.server.port(switch (this.mode) {
			case search -> DefaultPorts.SEARCH;
			case udp -> DefaultPorts.UDP;
			default -> DefaultPorts.ECHO;
		});
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
		return new BenchConfig(this.mode, Endpoints.resolve(this.server.host(), port), this.conns, size, pipeline,
				this.duration, this.warmup, this.rate, timeout, this.interval, this.keepAlive, this.threads,
				this.maxPendingConnects, serverPid(progress));
	}

	/** The server process to report on, or 0 for none: no guessing. */
	private long serverPid(PrintWriter progress) {
		require(this.serverPid == null || this.serverUrl == null, "give --server-url or --server-pid, not both");
		if (this.serverUrl != null) {
			long pid = ServerProcess.pidFromActuator(this.serverUrl, Duration.ofSeconds(5));
			progress.println("bench: server PID " + pid + " (from " + ServerProcess.infoUri(this.serverUrl) + ")");
			progress.flush();
			return pid;
		}
		if (this.serverPid != null) {
			require(this.serverPid.size() == 1,
					"--server-pid takes one process id, got " + this.serverPid.size() + " ("
							+ this.serverPid.stream().map(String::valueOf).collect(Collectors.joining(" "))
							+ "): give one, or --server-url to let bench find the server");
			return ServerProcess.requireRunning(this.serverPid.get(0), "--server-pid " + this.serverPid.get(0));
		}
		return 0;
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new CliException(message, ExitCode.USAGE);
		}
	}

	/** One blocking connect first, so a wrong port fails at once with one clear line. */
	private void probe(InetSocketAddress address) {
		try (Socket socket = new Socket()) {
			socket.connect(address, 2000);
		}
		catch (IOException ex) {
			throw Endpoints.failure("cannot connect to " + Endpoints.describe(this.server.host(), address.getPort()),
					ex, Duration.ofSeconds(2));
		}
	}

}
