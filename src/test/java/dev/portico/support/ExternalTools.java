package dev.portico.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the external programs some tests run against Portico (python3, openssl, haproxy).
 * A missing one fails the test with what to install: these tests never skip silently.
 */
public final class ExternalTools {

	private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
			"/usr/bin", "/sbin", "/bin");

	private ExternalTools() {
	}

	/**
	 * The program's path.
	 * @param name the program, e.g. {@code haproxy}
	 * @param install how to get it, e.g. {@code apt-get install -y haproxy}
	 * @throws AssertionError naming what to install when it is not found
	 */
	public static String require(String name, String install) {
		return find(name).orElseThrow(() -> new AssertionError(
				"This test runs the real '" + name + "', which is not installed here: " + install));
	}

	private static Optional<String> find(String name) {
		String path = System.getenv("PATH");
		List<String> directories = new ArrayList<>(
				(path != null) ? List.of(path.split(File.pathSeparator)) : List.of());
		directories.addAll(SYSTEM_DIRECTORIES);
		for (String directory : directories) {
			Path candidate = Path.of(directory, name);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate.toString());
			}
		}
		return Optional.empty();
	}

}
