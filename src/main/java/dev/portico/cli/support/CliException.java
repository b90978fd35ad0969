package dev.portico.cli.support;

/**
 * A failure the command line reports as one line on stderr, with an exit code, and no
 * stack trace.
 */
public class CliException extends RuntimeException {

	private final int exitCode;

	public CliException(String message) {
		this(message, ExitCode.FAILURE);
	}

	public CliException(String message, int exitCode) {
		super(message, null, false, false);
		this.exitCode = exitCode;
	}

	public int getExitCode() {
		return this.exitCode;
	}

}
