package dev.portico.cli;

import org.junit.jupiter.api.Test;

import dev.portico.cli.support.ExitCode;

import static org.assertj.core.api.Assertions.assertThat;

/** What the commands print about themselves: defaults, versions, and usage mistakes. */
class CliUsageTests {

	@Test
	void shouldShowEachClientsDefaultPortAndTimeoutAsAUserTypesThem() {
		assertThat(CliRun.of("client", "echo", "--help").out()).contains("Default: 65432", "Default: 5s",
				"Default: 127.0.0.1");
		assertThat(CliRun.of("client", "multiconn", "--help").out()).contains("Default: 65433", "Default: 10s");
		assertThat(CliRun.of("client", "search", "--help").out()).contains("Default: 65434", "Default: 5s");
		assertThat(CliRun.of("client", "udp", "--help").out()).contains("Default: 65435", "Default: 2s")
			.doesNotContain("PT2S");
	}

	@Test
	void shouldShowEachModesDefaultPortWhenPrintingBenchUsage() {
		CliRun run = CliRun.of("bench", "--help");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).containsPattern("\n  echo +.* 65432\n")
			.containsPattern("\n  search +.* 65434\n")
			.containsPattern("\n  udp +.* 65435\n")
			.contains("--server-url=URL", "--server-pid=PID", "management.info.process.enabled=true");
	}

	@Test
	void shouldPrintTheJarsVersionFromEveryCommand() {
		String version = CliRun.of("--version").out();
		assertThat(version).startsWith("portico ");
		assertThat(CliRun.of("client", "echo", "-V").out()).isEqualTo(version);
		assertThat(CliRun.of("bench", "--version").out()).isEqualTo(version);
	}

	@Test
	void shouldPrintTheMistakeAndWhereTheUsageIsWhenAnOptionIsUnknown() {
		CliRun run = CliRun.of("client", "echo", "--colour", "hi");
		assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(run.out()).isEmpty();
		assertThat(run.err().lines()).containsExactly("echo: Unknown option: '--colour'",
				"See 'portico client echo --help'.");
	}

	@Test
	void shouldPrintOneLineWhenADurationIsMalformed() {
		CliRun run = CliRun.of("client", "udp", "--timeout", "soon", "hi");
		assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(run.err().lines().findFirst())
			.hasValueSatisfying((line) -> assertThat(line).startsWith("udp: Invalid value for option '--timeout'")
				.contains("'soon' is not a duration (examples: 500ms, 10s, 2m)"));
	}

}
