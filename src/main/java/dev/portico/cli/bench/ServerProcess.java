package dev.portico.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.portico.cli.support.CliException;
import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;

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

	/**
	 * The PID a Spring Boot server reports at {@code url/actuator/info}
	 * ({@code process.pid}, from Boot's process info contributor), checked to be a
	 * process on this machine.
	 */
	static long pidFromActuator(String url, Duration timeout) {
		URI info = infoUri(url);
		String doing = "cannot read the server's PID from " + info;
		HttpResponse<byte[]> response;
		try {
			HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
			response = client.send(HttpRequest.newBuilder(info).timeout(timeout).GET().build(),
					BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw Endpoints.failure(doing, ex, timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException(doing + ": interrupted");
		}
		if (response.statusCode() != 200) {
			throw new CliException(doing + ": HTTP " + response.statusCode());
		}
		JsonNode pid;
		try {
			pid = JsonMapper.builder().build().readTree(response.body()).path("process").path("pid");
		}
		catch (JacksonException ex) {
			throw new CliException(doing + ": the answer is not JSON");
		}
		if (!pid.isIntegralNumber()) {
			throw new CliException(doing + ": no process.pid in the answer (the server needs "
					+ "management.info.process.enabled=true)");
		}
		return requireRunning(pid.asLong(), "PID " + pid.asLong() + " from " + info);
	}

	/** {@code url/actuator/info}. */
	static URI infoUri(String url) {
		URI uri;
		try {
			uri = URI.create(url.strip().replaceAll("/+$", "") + "/actuator/info");
		}
		catch (IllegalArgumentException ex) {
			uri = null;
		}
		if (uri == null || !List.of("http", "https").contains(uri.getScheme())) {
			throw new CliException("--server-url '" + url + "' is not an http:// or https:// URL", ExitCode.USAGE);
		}
		return uri;
	}

	/**
	 * {@code pid}, when it names a running process on this machine; {@code source} says
	 * where it came from.
	 */
	static long requireRunning(long pid, String source) {
		if (pid <= 0 || ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
			throw new CliException(source + " names no running process on this machine", ExitCode.USAGE);
		}
		return pid;
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
