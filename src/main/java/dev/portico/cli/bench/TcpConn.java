package dev.portico.cli.bench;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking TCP client connection with an outbound buffer; subclasses define the
 * exchange.
 */
abstract class TcpConn extends Conn {

	/**
	 * Outbound bytes, kept in write mode: {@code [0, position)} is waiting to be sent.
	 */
	final ByteBuffer out;

	SocketChannel channel;

	boolean connecting;

	TcpConn(Worker worker, int id, int outboundCapacity) {
		super(worker, id);
		this.out = ByteBuffer.allocate(outboundCapacity);
	}

	@Override
	void open(long now) throws IOException {
		this.out.clear();
		this.channel = SocketChannel.open();
		this.channel.configureBlocking(false);
		this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		this.connecting = true;
		onConnecting(now);
		if (this.channel.connect(this.config.address())) {
			this.key = this.channel.register(this.worker.selector, SelectionKey.OP_READ, this);
			this.connecting = false;
			this.worker.connected();
			onConnected(now);
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
				key.interestOps(SelectionKey.OP_READ);
				onConnected(now);
			}
			return;
		}
		if (key.isReadable()) {
			ByteBuffer in = this.worker.readBuffer;
			in.clear();
			int n = this.channel.read(in);
			if (n < 0) {
				onEndOfStream(now);
				return;
			}
			in.flip();
			onData(in, now);
		}
		if (isOpen() && key.isValid() && key.isWritable()) {
			flush();
		}
	}

	/** Writes what the socket takes now and asks for OP_WRITE only while bytes remain. */
	void flush() throws IOException {
		if (!isOpen()) {
			return;
		}
		if (this.out.position() > 0) {
			this.out.flip();
			this.channel.write(this.out);
			this.out.compact();
		}
		int ops = (this.out.position() > 0) ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
		if (this.key.interestOps() != ops) {
			this.key.interestOps(ops);
		}
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
