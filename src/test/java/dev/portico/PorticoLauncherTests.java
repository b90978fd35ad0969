package dev.portico;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's entry point: help, version and the commands run before (and without) Spring.
 */
@ExtendWith(OutputCaptureExtension.class)
class PorticoLauncherTests {

	/**
	 * What Spring Boot logs first when it starts this application ("Starting
	 * PorticoApplication v...").
	 */
	private static final String SPRING_STARTING = "Starting Portico";

	private static final String TOMCAT_STARTED = "Tomcat started";

	@Test
	void shouldPrintUsageOfServiceAndCommandsWhenAskedForHelp(CapturedOutput output) {
		for (String help : List.of("--help", "-h")) {
			Run run = Run.of(help);
			assertThat(run.exitCode()).hasValue(0);
			assertThat(run.out()).startsWith("Usage: java -jar portico.jar [--KEY=VALUE...]")
				.contains("--server.port=8080", "--portico.listeners.<name>.port=PORT", "echo 65432", "multiconn 65433",
						"search 65434", "udp 65435", "--spring.config.additional-location=FILE", "PORTICO_API_PASSWORD",
						"PORTICO_LISTENERS_ECHO_PORT", "./mvnw spring-boot:run")
				.containsPattern("\n  client +Talk to a listener")
				.containsPattern("\n  bench +Load a listener")
				.contains("README.md", "docs/configuration.md", "docs/cli.md");
			assertThat(run.err()).isEmpty();
		}
		// Nothing but the command line ran: no Spring start-up line reached the process's
		// streams.
		assertThat(output.getAll()).doesNotContain(SPRING_STARTING, TOMCAT_STARTED);
	}

	@Test
	void shouldPrintUsageWhenHelpComesAfterServiceArguments() {
		Run run = Run.of("--server.port=0", "--help");
		assertThat(run.exitCode()).hasValue(0);
		assertThat(run.out()).startsWith("Usage: java -jar portico.jar");
	}

	@Test
	void shouldPrintTheBuildVersionWhenAskedForTheVersion(CapturedOutput output) {
		for (String version : List.of("--version", "-V")) {
			Run run = Run.of(version);
			assertThat(run.exitCode()).hasValue(0);
			assertThat(run.out()).isEqualTo("portico " + buildVersion() + System.lineSeparator());
		}
		assertThat(output.getAll()).doesNotContain(SPRING_STARTING, TOMCAT_STARTED);
	}

	@Test
	void shouldRunClientAndBenchWithoutTheService() {
		Run run = Run.of("client", "echo", "--help");
		assertThat(run.exitCode()).hasValue(0);
		assertThat(run.out()).startsWith("Usage: portico client echo");
		assertThat(Run.of("bench", "--help").exitCode()).hasValue(0);
	}

	@Test
	void shouldLeaveEverythingElseToTheService() {
		assertThat(Run.of().exitCode()).isEmpty();
		assertThat(Run.of("--server.port=0").exitCode()).isEmpty();
		assertThat(Run.of("--portico.listeners.echo.port=7000", "--debug").exitCode()).isEmpty();
	}

	@Test
	void shouldExitAtOnceWithoutStartingSpringWhenTheJarMainIsRunForHelpAndVersion(@TempDir Path workingDirectory)
			throws Exception {
		// The real main in its own JVM (it calls System.exit). Had it started the
		// service, the process
		// would still be running, and Spring's start-up lines would be in its output.
		Process help = launch(workingDirectory, "--help");
		Process version = launch(workingDirectory, "--version");
		try {
			assertThat(help.waitFor(60, TimeUnit.SECONDS)).as("--help exits").isTrue();
			assertThat(version.waitFor(60, TimeUnit.SECONDS)).as("--version exits").isTrue();
		}
		finally {
			help.destroyForcibly();
			version.destroyForcibly();
		}
		assertThat(help.exitValue()).isZero();
		assertThat(version.exitValue()).isZero();
		assertThat(read(workingDirectory, "--help.out")).startsWith("Usage: java -jar portico.jar")
			.doesNotContain(SPRING_STARTING, TOMCAT_STARTED);
		assertThat(read(workingDirectory, "--help.err")).isEmpty();
		assertThat(read(workingDirectory, "--version.out"))
			.isEqualTo("portico " + buildVersion() + System.lineSeparator());
		assertThat(read(workingDirectory, "--version.err")).isEmpty();
	}

	private static Process launch(Path workingDirectory, String argument) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// server.port=0: should the service start after all, it binds nothing anyone else
		// uses.
		ProcessBuilder builder = new ProcessBuilder(java, "-Dserver.port=0", "-cp",
				System.getProperty("java.class.path"), PorticoLauncher.class.getName(), argument)
			.directory(workingDirectory.toFile())
			.redirectOutput(workingDirectory.resolve(argument + ".out").toFile())
			.redirectError(workingDirectory.resolve(argument + ".err").toFile());
		return builder.start();
	}

	private static String read(Path directory, String file) throws IOException {
		return Files.readString(directory.resolve(file), StandardCharsets.UTF_8);
	}

	private static String buildVersion() {
		Properties build = new Properties();
		try (InputStream in = PorticoLauncherTests.class.getResourceAsStream("/META-INF/build-info.properties")) {
			assertThat(in).as("META-INF/build-info.properties (written by the build)").isNotNull();
			build.load(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return build.getProperty("build.version");
	}

	/** One in-process run of the launcher's dispatch, with what it printed. */
	private record Run(OptionalInt exitCode, String out, String err) {

		static Run of(String... args) {
			StringWriter out = new StringWriter();
			StringWriter err = new StringWriter();
			OptionalInt code = PorticoLauncher.runCommandLine(args, new PrintWriter(out), new PrintWriter(err));
			return new Run(code, out.toString(), err.toString());
		}

	}

}
