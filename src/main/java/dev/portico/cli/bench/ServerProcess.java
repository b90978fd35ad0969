package dev.portico.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a local process's CPU time and memory from {@code /proc} (Linux), so runs can
 * report cost per message.
 */
final class ServerProcess {

	/**
	 * Kernel clock ticks per second; 100 on every mainstream Linux build
	 * ({@code getconf CLK_TCK}).
	 */
	private static final long TICKS_PER_SECOND = 100;

	private final long pid;

	ServerProcess(long pid) {
		this.pid = pid;
	}

	/** User plus system CPU time in microseconds, or -1 when it cannot be read. */
	long cpuMicros() {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(this.pid), "stat"), StandardCharsets.UTF_8);
			// The command name may hold spaces and parentheses: fields are counted after
			// the last ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
			long utime = Long.parseLong(fields[11]);
			long stime = Long.parseLong(fields[12]);
			return (utime + stime) * (1_000_000 / TICKS_PER_SECOND);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * A {@code /proc/PID/status} memory line in KiB ({@code VmHWM}, {@code VmRSS}), or
	 * -1.
	 */
	long statusKib(String key) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.pid), "status"),
					StandardCharsets.UTF_8)) {
				if (line.startsWith(key + ":")) {
					return Long.parseLong(line.substring(key.length() + 1).replace("kB", "").trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// fall through
		}
		return -1;
	}

}
