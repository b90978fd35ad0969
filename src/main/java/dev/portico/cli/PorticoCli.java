package dev.portico.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.portico.cli.bench.BenchCommand;
import dev.portico.cli.client.ClientCommand;
import dev.portico.cli.support.CliException;
import dev.portico.cli.support.DurationConverter;
import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;
import dev.portico.protocol.DefaultPorts;

/**
 * The jar's command line, run without a Spring context: the {@code client} and
 * {@code bench} commands, and the usage and version of the whole jar, service included.
 */
@Command(name = "portico", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
		customSynopsis = { "java -jar portico.jar [--KEY=VALUE...]      start the service",
				"       java -jar portico.jar client TYPE [OPTIONS] ARGS...",
				"       java -jar portico.jar bench MODE [OPTIONS]",
				"       java -jar portico.jar --help | --version" },
		description = { "", "Portico runs raw TCP and UDP listeners (echo, multiconn, search, udp) and",
				"lets you see and steer them over HTTP: a REST API under /api, Actuator",
				"under /actuator. The build makes target/portico.jar (the container has",
				"/app/portico.jar); in the source tree, ./mvnw spring-boot:run starts", "the service too.", "",
				"Service settings are Spring Boot properties: give them as --key=value, as",
				"environment variables (PORTICO_LISTENERS_ECHO_PORT=7000) or in",
				"config/application.yml in the working directory. For example:",
				"  --server.port=8080                         HTTP port of the API and Actuator",
				"  --portico.listeners.<name>.port=PORT       a listener's port; the default",
				"                                             listeners: echo " + DefaultPorts.ECHO + ",",
				"                                             multiconn " + DefaultPorts.MULTICONN + ", search "
						+ DefaultPorts.SEARCH + ",",
				"                                             udp " + DefaultPorts.UDP,
				"  --portico.listeners.<name>.type=TYPE       with .port, one more listener:",
				"                                             echo, multiconn, search or udp",
				"  --spring.config.additional-location=FILE   more settings from a .yml or",
				"                                             .properties file",
				"  PORTICO_API_PASSWORD=SECRET                the password of the API user",
				"                                             admin (changes need it); when",
				"                                             unset, a generated one is logged",
				"                                             at start-up" },
		commandListHeading = "%nCommands (they run without the service; each has --help):%n",
		subcommands = { ClientCommand.class, BenchCommand.class }, optionListHeading = "%nOptions:%n",
		exitCodeListHeading = "%nExit codes of client and bench:%n",
		exitCodeList = { "0:success", "1:network failure, timeout or no reply", "2:invalid usage",
				"3:a reply did not match what was expected" },
		footer = { "%nDocumentation, in the source tree: README.md (start here),",
				"docs/configuration.md (every setting) and docs/cli.md (the clients and bench)." })
public final class PorticoCli {

	private static final Set<String> COMMANDS = Set.of("client", "bench");

	private static final List<String> HELP = List.of("--help", "-h");

	private static final List<String> VERSION = List.of("--version", "-V");

	private PorticoCli() {
	}

	/**
	 * Whether {@code args} are for the command line rather than the service: they start
	 * with {@code client} or {@code bench}, or ask for the usage or the version.
	 */
	public static boolean handles(String[] args) {
		if (args.length == 0) {
			return false;
		}
		return COMMANDS.contains(args[0])
				|| Arrays.stream(args).anyMatch((arg) -> HELP.contains(arg) || VERSION.contains(arg));
	}

	/** Runs a command writing to the given streams and answers its exit code. */
	public static int execute(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new PorticoCli());
		commandLine.setOut(out);
		commandLine.setErr(err);
		useVersionEverywhere(commandLine, new Version());
		// A default given as a Duration (the clients' --timeout) shows as "5s", the form
		// a user types.
		commandLine.setDefaultValueProvider(
				(arg) -> (arg.initialValue() instanceof Duration duration) ? DurationConverter.format(duration) : null);
		commandLine.setParameterExceptionHandler((ex, arguments) -> {
			// One line and a pointer to the usage: the whole usage would bury the
			// mistake.
			CommandLine command = ex.getCommandLine();
			err.println(command.getCommandName() + ": " + ex.getMessage());
			err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
			err.flush();
			return ExitCode.USAGE;
		});
		commandLine.setExecutionExceptionHandler((ex, command, parseResult) -> {
			// One line, never a stack trace: the user needs the cause, not our call
			// chain.
			if (ex instanceof CliException cli) {
				err.println(command.getCommandName() + ": " + cli.getMessage());
				err.flush();
				return cli.getExitCode();
			}
			err.println(command.getCommandName() + ": " + Endpoints.reason(ex, Duration.ZERO));
			err.flush();
			return ExitCode.FAILURE;
		});
		int code = commandLine.execute(forCommandLine(args));
		out.flush();
		err.flush();
		return code;
	}

	/**
	 * Every command has -V (picocli's standard options): each prints the jar's version.
	 */
	private static void useVersionEverywhere(CommandLine commandLine, Version version) {
		commandLine.getCommandSpec().versionProvider(version);
		commandLine.getSubcommands().values().forEach((sub) -> useVersionEverywhere(sub, version));
	}

	/**
	 * Service arguments next to --help or --version are dropped: they are not the command
	 * line's.
	 */
	private static String[] forCommandLine(String[] args) {
		if (args.length == 0 || COMMANDS.contains(args[0])) {
			return args;
		}
		if (Arrays.stream(args).anyMatch(HELP::contains)) {
			return new String[] { "--help" };
		}
		if (Arrays.stream(args).anyMatch(VERSION::contains)) {
			return new String[] { "--version" };
		}
		return args;
	}

	/**
	 * {@code portico <version>}, the version from the build's
	 * {@code META-INF/build-info.properties}.
	 */
	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() throws IOException {
			Properties build = new Properties();
			try (InputStream in = PorticoCli.class.getResourceAsStream("/META-INF/build-info.properties")) {
				if (in != null) {
					build.load(in);
				}
			}
			return new String[] { "portico " + build.getProperty("build.version", "(development build)") };
		}

	}

}
