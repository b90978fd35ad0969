package dev.portico.cli.support;

/**
 * The command line's exit codes, the same for every command (listed in the top command's
 * help).
 */
public final class ExitCode {

	/** Success. */
	public static final int OK = 0;

	/** A network failure: refused, reset, timed out, or nothing came back. */
	public static final int FAILURE = 1;

	/** Invalid usage: an unknown option or a bad value (picocli's own code for these). */
	public static final int USAGE = 2;

	/** A reply differed from what was expected (a verification failure). */
	public static final int MISMATCH = 3;

	private ExitCode() {
	}

}
