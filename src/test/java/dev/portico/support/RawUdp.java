package dev.portico.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Datagrams with a forged source address, sent through a raw socket by
 * {@code src/test/python/spoof_udp.py}: what an attacker does to aim a UDP service's
 * answers somewhere else. Raw sockets need root or {@code CAP_NET_RAW}; where they are
 * not permitted the calling test is skipped with that reason, the one skip these tests
 * allow. Loopback addresses only.
 */
public final class RawUdp {

	private static final Path SCRIPT = Path.of("src", "test", "python", "spoof_udp.py");

	private RawUdp() {
	}

	/**
	 * Send {@code count} datagrams from {@code sourceHost:sourcePort} to
	 * {@code 127.0.0.1:port}.
	 */
	public static void send(String sourceHost, int sourcePort, int port, String payload, int count) {
		Process process;
		try {
			process = new ProcessBuilder("python3", SCRIPT.toString(), sourceHost, Integer.toString(sourcePort),
					Sockets.LOOPBACK, Integer.toString(port), payload, Integer.toString(count))
				.redirectErrorStream(true)
				.start();
		}
		catch (IOException ex) {
			throw new AssertionError("python3 is needed to forge datagrams through a raw socket: install python3 ("
					+ ex.getMessage() + ")", ex);
		}
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError(SCRIPT + " did not finish within 30 s");
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			Assumptions.assumeFalse(process.exitValue() == 77,
					() -> "raw sockets are not permitted here (run as root or with CAP_NET_RAW): " + output);
			if (process.exitValue() != 0) {
				throw new AssertionError(SCRIPT + " failed with exit code " + process.exitValue() + ": " + output);
			}
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
