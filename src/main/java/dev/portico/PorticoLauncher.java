package dev.portico;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import org.springframework.boot.SpringApplication;

import dev.portico.cli.PorticoCli;

/**
 * The jar's entry point: {@code client ...}, {@code bench ...}, {@code --help} and
 * {@code --version} run the command line and exit before Spring starts; anything else
 * starts the service. The service's own modules never import the command line.
 */
public final class PorticoLauncher {

	private PorticoLauncher() {
	}

	public static void main(String[] args) {
		OptionalInt exitCode = runCommandLine(args,
				new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
				new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
		if (exitCode.isPresent()) {
			System.exit(exitCode.getAsInt());
		}
		SpringApplication application = new SpringApplication(PorticoApplication.class);
		// Spring would name the class whose main() it finds on the stack, this one, in
		// its logs.
		application.setMainApplicationClass(PorticoApplication.class);
		application.run(args);
	}

	/**
	 * Runs the command line when {@code args} are for it and answers its exit code; empty
	 * when they are the service's.
	 */
	static OptionalInt runCommandLine(String[] args, PrintWriter out, PrintWriter err) {
		return PorticoCli.handles(args) ? OptionalInt.of(PorticoCli.execute(out, err, args)) : OptionalInt.empty();
	}

}
