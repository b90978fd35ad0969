package dev.portico.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;

import dev.portico.protocol.PythonJson;
import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchFrameEncoder;
import dev.portico.protocol.SearchJson;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.protocol.SearchProtocolException.Kind;

/**
 * Tiny in-test servers on loopback, port 0, one thread per connection: stand-ins for
 * Portico's listeners so the clients can be tested before (and independently of) the live
 * service.
 */
final class TestServers {

	private TestServers() {
	}

	/** Handles one accepted connection. */
	interface Handler {

		void handle(Socket socket) throws IOException;

	}

	/** A blocking TCP server that runs {@code handler} on a thread per connection. */
	static final class Tcp implements AutoCloseable {

		final ServerSocket server;

		final AtomicInteger accepted = new AtomicInteger();

		final AtomicInteger closed = new AtomicInteger();

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		Tcp(Handler handler) throws IOException {
			this(InetAddress.getLoopbackAddress(), handler);
		}

		Tcp(InetAddress bind, Handler handler) throws IOException {
			this.server = new ServerSocket(0, 1024, bind);
			Thread acceptor = new Thread(() -> {
				while (!this.server.isClosed()) {
					try {
						Socket socket = this.server.accept();
						this.accepted.incrementAndGet();
						this.sockets.add(socket);
						Thread connection = new Thread(() -> {
							try (socket) {
								handler.handle(socket);
							}
							catch (IOException ex) {
								// the peer went away
							}
							finally {
								this.closed.incrementAndGet();
							}
						}, "test-server-connection");
						connection.setDaemon(true);
						connection.start();
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "test-server-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}

	}

	/** Echoes every byte, as the tutorial's blocking echo server. */
	static Tcp echo() throws IOException {
		return echo(InetAddress.getLoopbackAddress());
	}

	/** Echoes every byte, bound to the given loopback address. */
	static Tcp echo(InetAddress bind) throws IOException {
		return new Tcp(bind, (socket) -> pump(socket, (chunk) -> {
		}));
	}

	/** Echoes the first {@code bytes} bytes, then closes the connection. */
	static Tcp echoThenClose(int bytes) throws IOException {
		return new Tcp((socket) -> {
			byte[] buffer = socket.getInputStream().readNBytes(bytes);
			socket.getOutputStream().write(buffer);
			socket.getOutputStream().flush();
		});
	}

	/**
	 * Echoes every byte except one: the byte at stream offset {@code at} comes back
	 * flipped.
	 */
	static Tcp corruptingEcho(long at) throws IOException {
		return new Tcp((socket) -> {
			long[] offset = { 0 };
			pump(socket, (chunk) -> {
				long start = offset[0];
				if (at >= start && at < start + chunk.length) {
					chunk[(int) (at - start)] ^= 0x01;
				}
				offset[0] += chunk.length;
			});
		});
	}

	private static void pump(Socket socket, Consumer<byte[]> tamper) throws IOException {
		InputStream in = socket.getInputStream();
		OutputStream out = socket.getOutputStream();
		byte[] buffer = new byte[16384];
		int n;
		while ((n = in.read(buffer)) >= 0) {
			byte[] chunk = Arrays.copyOf(buffer, n);
			tamper.accept(chunk);
			out.write(chunk);
			out.flush();
		}
	}

	/** The default search index. */
	static final Map<String, String> SEARCH_INDEX = Map.of("morpheus", "Follow the white rabbit. \uD83D\uDC30", "ring",
			"In the caves beneath the Misty Mountains. \uD83D\uDC8D", "\uD83D\uDC36",
			"\uD83D\uDC3E Playing ball! \uD83C\uDFD0");

	/**
	 * A search server built on the search codec alone, answering as the reference server
	 * does: {@code {"result": ...}} from {@code index} for a JSON search,
	 * {@code Error: invalid action} for another action, the first 10 bytes of a binary
	 * request echoed back, and an {@code {"error": ...}} frame then close for a bad frame
	 * or request. Closes after the first answer unless {@code keepAlive}.
	 */
	static Tcp search(Map<String, String> index, boolean keepAlive) throws IOException {
		return new Tcp((socket) -> {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			ArrayDeque<SearchMessage> requests = new ArrayDeque<>();
			byte[] buffer = new byte[4096];
			try {
				while (true) {
					if (requests.isEmpty()) {
						int n = in.read(buffer);
						if (n < 0) {
							return;
						}
						decoder.decode(buffer, 0, n, requests::add);
						continue;
					}
					out.write(SearchFrameEncoder.encode(answer(requests.poll(), index)));
					if (!keepAlive) {
						return;
					}
				}
			}
			catch (SearchProtocolException ex) {
				if (ex.getKind().canReply()) {
					out.write(SearchFrameEncoder.encode(json("error", ex.getMessage())));
				}
			}
		});
	}

	private static SearchMessage answer(SearchMessage request, Map<String, String> index)
			throws SearchProtocolException {
		if (!request.isJson()) {
			byte[] content = request.content();
			byte[] echoed = Arrays.copyOf(content, Math.min(10, content.length));
			byte[] prefix = "First 10 bytes of request: ".getBytes(StandardCharsets.US_ASCII);
			byte[] answer = Arrays.copyOf(prefix, prefix.length + echoed.length);
			System.arraycopy(echoed, 0, answer, prefix.length, echoed.length);
			return SearchMessage.of("binary/custom-server-binary-type", "binary", answer);
		}
		JsonNode object = SearchJson.contentObject(request);
		JsonNode action = object.path("action");
		if (!action.isString()) {
			throw new SearchProtocolException(Kind.INVALID_REQUEST, "request needs a string 'action'");
		}
		if (!"search".equals(action.stringValue())) {
			return json("result", "Error: invalid action '" + action.stringValue() + "'.");
		}
		JsonNode value = object.path("value");
		if (!value.isString()) {
			throw new SearchProtocolException(Kind.INVALID_REQUEST, "search needs a string 'value'");
		}
		String found = index.get(value.stringValue());
		return json("result", (found != null) ? found : "No match for '" + value.stringValue() + "'.");
	}

	private static SearchMessage json(String key, String value) {
		return SearchMessage.json(PythonJson.write(Map.of(key, value)));
	}

	/** A UDP server that echoes each datagram to its sender, or stays silent. */
	static final class Udp implements AutoCloseable {

		final DatagramSocket socket;

		final AtomicInteger received = new AtomicInteger();

		Udp(boolean reply) throws IOException {
			this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
			Thread thread = new Thread(() -> {
				byte[] buffer = new byte[65507];
				while (!this.socket.isClosed()) {
					try {
						DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
						this.socket.receive(packet);
						this.received.incrementAndGet();
						if (reply) {
							this.socket.send(new DatagramPacket(packet.getData(), packet.getLength(),
									packet.getSocketAddress()));
						}
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "test-udp-server");
			thread.setDaemon(true);
			thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		@Override
		public void close() {
			this.socket.close();
		}

	}

	/** A port with nothing listening on it: bound, then released. */
	static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
