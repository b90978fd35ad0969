package dev.portico.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Echo, stream, hold and connect modes: sends messages cut from the connection's
 * deterministic byte stream and checks that every byte comes back, in order, exactly
 * once. Echo has no framing, so message {@code k} is simply the stream bytes
 * {@code [k * size, (k + 1) * size)}. In connect mode each connection carries one message
 * and is replaced by a new one.
 */
final class EchoConn extends TcpConn {

	private final int size;

	private final int window;

	private final long[] sendTimes;

	private long sent;

	private long done;

	private long received;

	EchoConn(Worker worker, int id) {
		super(worker, id, worker.config.size() * worker.config.pipeline());
		this.size = worker.config.size();
		this.window = worker.config.pipeline();
		this.sendTimes = new long[this.window];
	}

	@Override
	void onConnecting(long now) {
		// a new connection (connect mode): its stream starts again
		this.sent = 0;
		this.done = 0;
		this.received = 0;
	}

	@Override
	void onConnected(long now) throws IOException {
		if (this.config.mode() != BenchMode.hold) {
			send(now);
		}
	}

	@Override
	void send(long now) throws IOException {
		while (this.sent - this.done < this.window && this.out.remaining() >= this.size) {
			if (!this.worker.acquire(now)) {
				this.worker.starve(this);
				break;
			}
			put(now);
		}
		flush();
	}

	@Override
	void beat(long now) throws IOException {
		if (!isOpen() || settingUp()) {
			return;
		}
		if (this.sent > this.done) {
			// The previous beat has not come back within one interval.
			this.stats.late.incrementAndGet();
			return;
		}
		put(now);
		flush();
	}

	private void put(long now) {
		long base = this.sent * this.size;
		for (int i = 0; i < this.size; i++) {
			this.out.put(Pattern.at(this.id, base + i));
		}
		this.sendTimes[(int) (this.sent % this.window)] = now;
		this.sent++;
		this.stats.sent.incrementAndGet();
	}

	@Override
	void onData(ByteBuffer in, long now) throws IOException {
		byte[] bytes = in.array();
		int n = in.limit();
		long expectedEnd = this.sent * this.size;
		for (int i = 0; i < n; i++) {
			long offset = this.received + i;
			if (offset >= expectedEnd) {
				this.worker.mismatch(this, "received more bytes than were sent (offset " + offset + ")");
				close();
				return;
			}
			byte expected = Pattern.at(this.id, offset);
			if (bytes[i] != expected) {
				this.worker.mismatch(this, String.format("byte at stream offset %d is 0x%02x, expected 0x%02x", offset,
						bytes[i] & 0xff, expected & 0xff));
				// Alignment is unknown after a bad byte: this connection's stream cannot
				// be checked further.
				close();
				return;
			}
		}
		this.received += n;
		while (this.done < this.sent && this.received >= (this.done + 1) * this.size) {
			this.stats.completed(this.size, now - this.sendTimes[(int) (this.done % this.window)]);
			this.done++;
		}
		if (this.config.mode() == BenchMode.connect && this.done > 0) {
			close();
			this.worker.reconnect(this);
			return;
		}
		if (this.config.mode() != BenchMode.hold) {
			send(now);
		}
	}

	@Override
	void checkTimeout(long now) {
		if (handshakeTimedOut(now)) {
			return;
		}
		if (isOpen() && !this.connecting && this.done < this.sent
				&& now - this.sendTimes[(int) (this.done % this.window)] > this.config.timeout().toNanos()) {
			this.stats.timeouts.incrementAndGet();
			this.stats.errors.incrementAndGet();
			this.worker.note("connection " + this.id + ": no echo within " + this.config.timeout().toMillis() + " ms");
			close();
		}
	}

}
