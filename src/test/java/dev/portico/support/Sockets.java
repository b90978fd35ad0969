package dev.portico.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Small blocking-socket helpers for tests; loopback only. */
public final class Sockets {

	public static final String LOOPBACK = "127.0.0.1";

	private Sockets() {
	}

	/**
	 * A connected socket with a read timeout, so a missing reply fails the test instead
	 * of hanging it.
	 */
	/**
	 * Writes up to 64 MiB to {@code out} in the background, as a client that sends but
	 * never reads, counting what it wrote; ends when the server closes the connection.
	 */
	public static CompletableFuture<Void> flood(OutputStream out, AtomicLong written) {
		return CompletableFuture.runAsync(() -> {
			byte[] block = new byte[64 * 1024];
			try {
				for (int i = 0; i < 1024; i++) {
					out.write(block);
					written.addAndGet(block.length);
				}
			}
			catch (IOException ex) {
				// closed by the server: expected
			}
		});
	}

	public static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(LOOPBACK, port), 5000);
		socket.setSoTimeout(10_000);
		socket.setTcpNoDelay(true);
		return socket;
	}

	/** Read exactly {@code length} bytes. */
	public static byte[] readExactly(InputStream in, int length) throws IOException {
		byte[] buffer = new byte[length];
		int at = 0;
		while (at < length) {
			int n = in.read(buffer, at, length - at);
			if (n < 0) {
				throw new IOException("Stream ended after " + at + " of " + length + " bytes");
			}
			at += n;
		}
		return buffer;
	}

	/** Read until the peer closes. */
	public static byte[] readToEnd(InputStream in) throws IOException {
		return in.readAllBytes();
	}

}
