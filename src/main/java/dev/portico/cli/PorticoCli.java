package dev.portico.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;

import dev.portico.cli.bench.BenchCommand;
import dev.portico.cli.client.ClientCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code client} and {@code bench} commands of the Portico jar, run without a Spring
 * context.
 */
@Command(name = "portico", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
		description = "Portico's bundled clients and load generator.",
		subcommands = { ClientCommand.class, BenchCommand.class }, exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:success", "1:network failure, timeout or no reply", "2:invalid usage",
				"3:a reply did not match what was expected" })
public final class PorticoCli {

	/** Success. */
	public static final int EXIT_OK = 0;

	/** A network failure: refused, reset, timed out, or nothing came back. */
	public static final int EXIT_FAILURE = 1;

	/** A reply differed from what was expected (a verification failure). */
	public static final int EXIT_MISMATCH = 3;

	/**
	 * Whether {@code args} name one of the commands this class runs instead of the
	 * server.
	 */
	public static boolean handles(String[] args) {
		return args.length > 0 && ("client".equals(args[0]) || "bench".equals(args[0]));
	}

	/** Runs a command on the process's standard streams and answers its exit code. */
	public static int execute(String... args) {
		return execute(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
				new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args);
	}

	/** Runs a command writing to the given streams and answers its exit code. */
	public static int execute(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new PorticoCli());
		commandLine.setOut(out);
		commandLine.setErr(err);
		commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
			// One line, never a stack trace: the user needs the cause, not our call
			// chain.
			if (ex instanceof CliException cli) {
				err.println(cmd.getCommandName() + ": " + cli.getMessage());
				err.flush();
				return cli.getExitCode();
			}
			err.println(cmd.getCommandName() + ": " + Endpoints.reason(ex, java.time.Duration.ZERO));
			err.flush();
			return EXIT_FAILURE;
		});
		int code = commandLine.execute(args);
		out.flush();
		err.flush();
		return code;
	}

	/** Reports the jar's version. */
	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = PorticoCli.class.getPackage().getImplementationVersion();
			return new String[] { "portico " + ((version != null) ? version : "(development build)") };
		}

	}

}
