package dev.portico.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import dev.portico.cli.support.TlsChannel;
import dev.portico.protocol.ProxyHeaderEncoder;

/**
 * A non-blocking TCP client connection with an outbound buffer; subclasses define the
 * exchange. Once connected it may first send a PROXY protocol header (as a balancer
 * would, for a client of its own address) and run a TLS handshake; the exchange starts
 * after both.
 */
abstract class TcpConn extends Conn {

	/**
	 * Outbound bytes, kept in write mode: {@code [0, position)} is waiting to be sent.
	 */
	final ByteBuffer out;

	SocketChannel channel;

	boolean connecting;

	/** The TLS layer, or null for plain TCP. */
	private TlsChannel tls;

	private boolean handshaking;

	private long connectStarted;

	TcpConn(Worker worker, int id, int outboundCapacity) {
		super(worker, id);
		this.out = ByteBuffer.allocate(outboundCapacity);
	}

	@Override
	void open(long now) throws IOException {
		this.out.clear();
		this.tls = null;
		this.handshaking = false;
		this.connectStarted = now;
		this.channel = SocketChannel.open();
		this.channel.configureBlocking(false);
		this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		this.connecting = true;
		onConnecting(now);
		if (this.channel.connect(this.config.address())) {
			this.key = this.channel.register(this.worker.selector, SelectionKey.OP_READ, this);
			this.connecting = false;
			this.worker.connected();
			established(now);
		}
		else {
			this.key = this.channel.register(this.worker.selector, SelectionKey.OP_CONNECT, this);
		}
	}

	@Override
	void ready(SelectionKey key, long now) throws IOException {
		if (this.connecting) {
			if (key.isConnectable()) {
				try {
					this.channel.finishConnect();
				}
				catch (IOException ex) {
					this.connecting = false;
					this.worker.connectFailed(this, ex);
					return;
				}
				this.connecting = false;
				this.worker.connected();
				established(now);
			}
			return;
		}
		if (this.handshaking) {
			handshake(now);
			return;
		}
		if (key.isReadable()) {
			readAvailable(now);
		}
		if (isOpen() && key.isValid() && key.isWritable()) {
			flush();
		}
	}

	/**
	 * Connected: the PROXY header first, then the TLS handshake, then the exchange. A
	 * fresh socket's send buffer takes the header (at most a few hundred bytes) at once.
	 */
	private void established(long now) throws IOException {
		if (this.config.proxyProtocol() != null) {
			ByteBuffer header = ByteBuffer.wrap(proxyHeader());
			this.channel.write(header);
			if (header.hasRemaining()) {
				throw new IOException("the PROXY protocol header could not be sent at once");
			}
		}
		if (this.config.tls() != null) {
			this.tls = new TlsChannel(this.config.tls().get());
			this.handshaking = true;
			handshake(now);
			return;
		}
		this.key.interestOps(SelectionKey.OP_READ);
		onConnected(now);
	}

	private void handshake(long now) throws IOException {
		if (!this.tls.handshake(this.channel)) {
			this.key.interestOps(
					this.tls.hasPendingOutput() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
			return;
		}
		this.handshaking = false;
		this.stats.handshake(now - this.connectStarted);
		this.key.interestOps(SelectionKey.OP_READ);
		onConnected(now);
		if (isOpen() && this.tls.hasBufferedInput()) {
			readAvailable(now);
		}
	}

	/**
	 * As a balancer in front of the server writes it: the client is an address of the
	 * benchmarking block 198.18.0.0/15, one per connection (so per-address limits see as
	 * many clients as connections), the destination the server.
	 */
	private byte[] proxyHeader() throws UnknownHostException {
		InetSocketAddress client = new InetSocketAddress(InetAddress.getByAddress(
				new byte[] { (byte) 198, (byte) (18 + ((this.id >> 16) & 1)), (byte) (this.id >> 8), (byte) this.id }),
				1024 + (this.id % 60000));
		return (this.config.proxyProtocol() == BenchConfig.ProxyVersion.v1)
				? ProxyHeaderEncoder.v1(client, this.config.address())
				: ProxyHeaderEncoder.v2(client, this.config.address());
	}

	private void readAvailable(long now) throws IOException {
		ByteBuffer in = this.worker.readBuffer;
		TlsChannel current = this.tls;
		if (current == null) {
			in.clear();
			int n = this.channel.read(in);
			if (n < 0) {
				onEndOfStream(now);
				return;
			}
			in.flip();
			onData(in, now);
			return;
		}
		do {
			in.clear();
			int n = current.read(this.channel, in);
			if (n < 0) {
				onEndOfStream(now);
				return;
			}
			if (n > 0) {
				in.flip();
				onData(in, now);
			}
		}
		while (this.tls == current && isOpen() && current.hasBufferedInput());
	}

	/** Writes what the socket takes now and asks for OP_WRITE only while bytes remain. */
	void flush() throws IOException {
		if (!isOpen() || this.connecting || this.handshaking) {
			return;
		}
		TlsChannel current = this.tls;
		if (this.out.position() > 0 || (current != null && current.hasPendingOutput())) {
			this.out.flip();
			if (current != null) {
				current.write(this.channel, this.out);
			}
			else {
				this.channel.write(this.out);
			}
			this.out.compact();
		}
		boolean pending = this.out.position() > 0 || (current != null && current.hasPendingOutput());
		int ops = pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
		if (this.key.interestOps() != ops) {
			this.key.interestOps(ops);
		}
	}

	/**
	 * Counts and closes a connection whose TLS handshake has taken longer than the
	 * timeout.
	 * @return whether it did
	 */
	boolean handshakeTimedOut(long now) {
		if (isOpen() && this.handshaking && now - this.connectStarted > this.config.timeout().toNanos()) {
			this.stats.timeouts.incrementAndGet();
			this.stats.errors.incrementAndGet();
			this.worker.note(
					"connection " + this.id + ": no TLS handshake within " + this.config.timeout().toMillis() + " ms");
			close();
			return true;
		}
		return false;
	}

	/**
	 * Whether the exchange has not started: still connecting, sending the PROXY header or
	 * in the TLS handshake.
	 */
	boolean settingUp() {
		return this.connecting || this.handshaking;
	}

	/** Called just before the connection attempt starts. */
	void onConnecting(long now) {
	}

	abstract void onConnected(long now) throws IOException;

	abstract void onData(ByteBuffer in, long now) throws IOException;

	/**
	 * The server closed its side; by default that is an error for a client still
	 * expecting data.
	 */
	void onEndOfStream(long now) throws IOException {
		this.stats.closedByPeer.incrementAndGet();
		this.stats.errors.incrementAndGet();
		this.worker.note("connection " + this.id + ": closed by the server");
		close();
	}

	@Override
	boolean isOpen() {
		return this.channel != null && this.channel.isOpen();
	}

	@Override
	void close() {
		if (this.channel != null && this.channel.isOpen()) {
			if (!this.connecting) {
				this.stats.open.decrementAndGet();
			}
			try {
				this.channel.close();
			}
			catch (IOException ignored) {
				// closing anyway
			}
		}
	}

	@Override
	void failed(IOException ex) {
		if (this.connecting) {
			this.connecting = false;
			this.worker.connectFailed(this, ex);
			return;
		}
		super.failed(ex);
	}

}
