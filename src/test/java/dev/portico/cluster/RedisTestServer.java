package dev.portico.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import redis.embedded.RedisServer;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} (the binary inside the embedded-redis jar) on a free
 * loopback port, persisting every write to an append-only file in its own directory, so a
 * test can stop it and start it again with its data or, after {@link #wipe()}, empty.
 */
final class RedisTestServer implements AutoCloseable {

	private final int port;

	private final Path dir;

	private final List<String> extraSettings;

	private RedisServer server;

	private RedisTestServer(int port, Path dir, List<String> extraSettings) {
		this.port = port;
		this.dir = dir;
		this.extraSettings = extraSettings;
	}

	/** Start a server on a free port; {@code settings} are redis.conf lines. */
	static RedisTestServer launch(String... settings) {
		try {
			RedisTestServer redis = new RedisTestServer(freePort(), Files.createTempDirectory("portico-redis-"),
					List.of(settings));
			redis.start();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	/** Start (again) on the same port, with what its directory holds. */
	void start() {
		try {
			List<String> settings = new ArrayList<>(
					List.of("bind 127.0.0.1", "dir " + this.dir, "appendonly yes", "appendfsync always", "save \"\""));
			settings.addAll(this.extraSettings);
			var builder = RedisServer.newRedisServer().port(this.port);
			settings.forEach(builder::setting);
			this.server = builder.build();
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start redis-server from the embedded-redis jar"
					+ " (it needs libssl3 on Linux: apt-get install libssl3): " + ex.getMessage(), ex);
		}
		await().atMost(Duration.ofSeconds(10)).until(this::answers);
	}

	/** Stop the server; its data stays in its directory. */
	void stop() {
		try {
			if (this.server != null) {
				this.server.stop();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> !answers());
	}

	/** Forget the data: the next start comes up empty, as a Redis without persistence. */
	void wipe() {
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).filter((path) -> !path.equals(this.dir)).forEach((path) -> {
				try {
					Files.delete(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		stop();
		wipe();
	}

	private boolean answers() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 500);
			socket.setSoTimeout(1000);
			socket.getOutputStream().write("PING\r\n".getBytes());
			byte[] reply = new byte[64];
			int n = socket.getInputStream().read(reply);
			return n > 0 && (reply[0] == '+' || reply[0] == '-');
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
