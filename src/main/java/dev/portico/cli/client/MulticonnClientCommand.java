package dev.portico.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.portico.cli.support.CliException;
import dev.portico.cli.support.Endpoints;
import dev.portico.cli.support.ExitCode;
import dev.portico.cli.support.TlsChannel;
import dev.portico.cli.support.TlsOptions;
import dev.portico.protocol.DefaultPorts;

/**
 * The tutorial multi-connection client: N non-blocking connections on one selector, each
 * sends two messages and closes once it has received as many bytes as it sent.
 */
@Command(name = "multiconn", mixinStandardHelpOptions = true, showDefaultValues = true,
		description = "Open N non-blocking connections; each sends two messages and closes after the echo.")
public class MulticonnClientCommand extends ListenerClient {

	static final List<String> MESSAGES = List.of("Message 1 from client.", "Message 2 from client.");

	public MulticonnClientCommand() {
		super(DefaultPorts.MULTICONN, Duration.ofSeconds(10));
	}

	@Option(names = "--conns", defaultValue = "2", description = "Number of connections.")
	int conns;

	@Mixin
	TlsOptions tls = new TlsOptions();

	@Override
	public Integer call() throws IOException {
		if (this.conns < 1) {
			throw new CliException("--conns must be at least 1", ExitCode.USAGE);
		}
		InetSocketAddress address = this.server.resolve();
		if (this.tls.enabled()) {
			this.tls.context();
		}
		String target = this.server.describe();
		PrintWriter out = this.spec.commandLine().getOut();
		List<Connection> connections = new ArrayList<>();
		try (Selector selector = Selector.open()) {
			for (int i = 1; i <= this.conns; i++) {
				Connection connection = new Connection(i, this.tls.enabled()
						? new TlsChannel(this.tls.engine(this.server.host(), address.getPort())) : null);
				connection.channel = SocketChannel.open();
				connection.channel.configureBlocking(false);
				connection.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
				connection.channel.connect(address);
				connection.channel.register(selector, SelectionKey.OP_CONNECT | SelectionKey.OP_READ, connection);
				connections.add(connection);
			}
			long deadline = System.nanoTime() + this.timeout.get().toNanos();
			int open = this.conns;
			while (open > 0) {
				long left = (deadline - System.nanoTime()) / 1_000_000;
				if (left <= 0) {
					break;
				}
				selector.select(left);
				Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					Connection connection = (Connection) key.attachment();
					if (connection.service(key)) {
						open--;
					}
				}
			}
		}
		finally {
			for (Connection connection : connections) {
				connection.closeQuietly();
			}
		}
		return report(out, connections, target);
	}

	private int report(PrintWriter out, List<Connection> connections, String target) {
		int ok = 0;
		int failed = 0;
		int mismatched = 0;
		long sent = 0;
		long received = 0;
		for (Connection c : connections) {
			sent += c.sent;
			received += c.received.size();
			String line = "connection " + c.id + ": sent " + c.sent + " bytes, received " + c.received.size()
					+ " bytes";
			if (c.failure != null) {
				failed++;
				line += ", failed: " + c.failure;
			}
			else if (!c.done) {
				failed++;
				line += ", timed out after " + this.timeout.get().toMillis() + " ms";
			}
			else if (!Arrays.equals(c.expected, c.received.toByteArray())) {
				mismatched++;
				line += ", MISMATCH: " + quote(c.received.toByteArray());
			}
			else {
				ok++;
				line += ": " + quote(c.received.toByteArray());
			}
			out.println(line);
		}
		out.println(connections.size() + " connections to " + target + ": " + ok + " echoed exactly, " + mismatched
				+ " mismatched, " + failed + " failed; " + sent + " bytes sent, " + received + " received");
		out.flush();
		if (ok == 0 && failed == connections.size()) {
			Connection first = connections.get(0);
			String why = (first.failure != null) ? first.failure
					: "timed out after " + this.timeout.get().toMillis() + " ms";
			throw new CliException("no connection to " + target + " completed: " + why);
		}
		if (mismatched > 0) {
			return ExitCode.MISMATCH;
		}
		return (failed > 0) ? ExitCode.FAILURE : ExitCode.OK;
	}

	private static String quote(byte[] bytes) {
		return "\"" + new String(bytes, StandardCharsets.UTF_8) + "\"";
	}

	/**
	 * One connection's state, as the tutorial's {@code types.SimpleNamespace} data
	 * object.
	 */
	private final class Connection {

		final int id;

		/**
		 * The messages still to send, written one at a time as the tutorial's
		 * {@code outb}.
		 */
		final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>();

		final byte[] expected;

		final ByteArrayOutputStream received = new ByteArrayOutputStream();

		final ByteBuffer readBuffer = ByteBuffer.allocate(32 * 1024);

		/** TLS over the channel, or null. */
		final TlsChannel tls;

		SocketChannel channel;

		boolean handshaking;

		int sent;

		boolean done;

		String failure;

		Connection(int id, TlsChannel tls) {
			this.id = id;
			this.tls = tls;
			this.expected = String.join("", MESSAGES).getBytes(StandardCharsets.UTF_8);
			for (String message : MESSAGES) {
				this.outbound.add(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
			}
		}

		/**
		 * Handles one readiness event; answers true when this connection has finished.
		 */
		boolean service(SelectionKey key) {
			try {
				if (key.isConnectable()) {
					this.channel.finishConnect();
					key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
					this.handshaking = this.tls != null;
					if (!this.handshaking) {
						return false;
					}
				}
				if (this.handshaking) {
					// TLS first: the tutorial's exchange starts once the session is up
					this.handshaking = !this.tls.handshake(this.channel);
					key.interestOps((this.handshaking && !this.tls.hasPendingOutput()) ? SelectionKey.OP_READ
							: SelectionKey.OP_READ | SelectionKey.OP_WRITE);
					if (this.handshaking || !this.tls.hasBufferedInput()) {
						return false;
					}
				}
				if (key.isReadable() || (this.tls != null && this.tls.hasBufferedInput())) {
					do {
						this.readBuffer.clear();
						int n = (this.tls != null) ? this.tls.read(this.channel, this.readBuffer)
								: this.channel.read(this.readBuffer);
						if (n < 0) {
							this.failure = "closed by the server after " + this.received.size() + " bytes";
							closeQuietly();
							return true;
						}
						this.received.write(this.readBuffer.array(), 0, n);
						if (this.received.size() >= this.expected.length) {
							this.done = true;
							closeQuietly();
							return true;
						}
					}
					while (this.tls != null && this.tls.hasBufferedInput());
				}
				if (key.isValid() && key.isWritable()) {
					ByteBuffer next = this.outbound.peek();
					if (next != null) {
						this.sent += (this.tls != null) ? this.tls.write(this.channel, next) : this.channel.write(next);
						if (!next.hasRemaining()) {
							this.outbound.poll();
						}
					}
					else if (this.tls != null) {
						// nothing left to send: push out what TLS still holds
						this.tls.write(this.channel, ByteBuffer.allocate(0));
					}
					if (this.outbound.isEmpty() && (this.tls == null || !this.tls.hasPendingOutput())) {
						key.interestOps(SelectionKey.OP_READ);
					}
				}
				return false;
			}
			catch (IOException ex) {
				this.failure = (this.handshaking ? "TLS handshake failed: " : "")
						+ Endpoints.reason(ex, MulticonnClientCommand.this.timeout.get());
				closeQuietly();
				return true;
			}
		}

		void closeQuietly() {
			try {
				if (this.channel != null) {
					this.channel.close();
				}
			}
			catch (IOException ignored) {
				// closing anyway
			}
		}

	}

}
