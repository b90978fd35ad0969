package dev.portico.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-JVM TCP proxy on loopback that injects network faults between a client and a
 * listener: it can freeze (stop forwarding in one or both directions, as a stalled link
 * does) and vanish (drop the client without a FIN or RST ever reaching the server, as a
 * peer whose host loses power does). A half-close by the client is passed on as a
 * half-close.
 *
 * <p>
 * NetCrusher resolves and offers freezing, but closing a pair there always closes both
 * sockets, so the server would see a FIN; a silent vanish needs its own proxy.
 */
public final class FaultProxy implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final int targetPort;

	private final List<Pair> pairs = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private volatile int upstreamReceiveBuffer;

	public FaultProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** The port clients connect to. */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * A small receive buffer on the proxy's server-facing sockets, so a frozen link fills
	 * fast.
	 */
	public FaultProxy upstreamReceiveBuffer(int bytes) {
		this.upstreamReceiveBuffer = bytes;
		return this;
	}

	/**
	 * Stop forwarding what the server sends; what the client sends still goes through.
	 */
	public void freezeDownstream() {
		this.pairs.forEach((pair) -> pair.downstreamFrozen = true);
	}

	/** Stop forwarding in both directions; the sockets stay open. */
	public void freeze() {
		this.pairs.forEach((pair) -> {
			pair.downstreamFrozen = true;
			pair.upstreamFrozen = true;
		});
	}

	/**
	 * Close every client socket and abandon the server-facing ones: they stay open,
	 * unread and unwritten until {@link #close()}, so the server sees neither a FIN nor
	 * an RST.
	 */
	public void vanish() {
		for (Pair pair : this.pairs) {
			pair.freezeAndDropClient();
		}
	}

	/** Connections the proxy has relayed so far. */
	public int pairs() {
		return this.pairs.size();
	}

	/** The threads of this proxy still alive (the acceptor and two pumps per pair). */
	public long liveThreads() {
		long live = this.acceptor.isAlive() ? 1 : 0;
		for (Pair pair : this.pairs) {
			live += (pair.up.isAlive() ? 1 : 0) + (pair.down.isAlive() ? 1 : 0);
		}
		return live;
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
		for (Pair pair : this.pairs) {
			pair.closeAll();
		}
		try {
			this.acceptor.join(5000);
			for (Pair pair : this.pairs) {
				pair.up.join(5000);
				pair.down.join(5000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket client = this.serverSocket.accept();
				Socket upstream = new Socket();
				if (this.upstreamReceiveBuffer > 0) {
					upstream.setReceiveBufferSize(this.upstreamReceiveBuffer);
				}
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				Pair pair = new Pair(client, upstream);
				this.pairs.add(pair);
				pair.up.start();
				pair.down.start();
			}
			catch (IOException ex) {
				// the proxy is closing, or one connection could not be relayed
			}
		}
	}

	/** One relayed connection: a pump thread per direction. */
	private static final class Pair {

		private final Socket client;

		private final Socket upstream;

		private final Thread up;

		private final Thread down;

		private volatile boolean upstreamFrozen;

		private volatile boolean downstreamFrozen;

		private volatile boolean closed;

		Pair(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
			this.up = new Thread(() -> pump(client, upstream, true), "fault-proxy-up");
			this.down = new Thread(() -> pump(upstream, client, false), "fault-proxy-down");
			this.up.setDaemon(true);
			this.down.setDaemon(true);
		}

		private void pump(Socket from, Socket to, boolean upward) {
			byte[] buffer = new byte[8192];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				while (true) {
					awaitThaw(upward);
					if (this.closed) {
						return;
					}
					int n = in.read(buffer);
					if (n < 0) {
						// pass a half-close on as a half-close
						if (!this.closed && !to.isClosed()) {
							to.shutdownOutput();
						}
						return;
					}
					awaitThaw(upward);
					if (this.closed) {
						return;
					}
					out.write(buffer, 0, n);
				}
			}
			catch (IOException ex) {
				// a side closed or reset: close the other side too, unless the proxy
				// vanished
				if (!this.upstreamFrozen || !this.downstreamFrozen) {
					closeQuietly(from);
					closeQuietly(to);
				}
			}
		}

		/** A frozen direction parks its pump (bounded by close) instead of reading on. */
		private void awaitThaw(boolean upward) {
			synchronized (this) {
				while (!this.closed && (upward ? this.upstreamFrozen : this.downstreamFrozen)) {
					try {
						wait(100);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}
		}

		void freezeAndDropClient() {
			this.upstreamFrozen = true;
			this.downstreamFrozen = true;
			closeQuietly(this.client);
		}

		void closeAll() {
			this.closed = true;
			closeQuietly(this.client);
			closeQuietly(this.upstream);
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

}
