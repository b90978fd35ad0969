package dev.portico.cli.bench;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Arrays;

/**
 * UDP mode: one connected datagram socket with up to {@code pipeline} datagrams in
 * flight. Each datagram carries its sequence number in its first 8 bytes, then pattern
 * bytes; a reply must equal it exactly. A datagram unanswered after the timeout counts as
 * lost; a reply after that, as late.
 */
final class UdpConn extends Conn {

	private final int size;

	private final int window;

	private final long[] slotSeq;

	private final long[] slotTime;

	private final ByteBuffer out;

	private DatagramChannel channel;

	private long nextSeq;

	private int inFlight;

	UdpConn(Worker worker, int id) {
		super(worker, id);
		this.size = Math.max(8, worker.config.size());
		this.window = worker.config.pipeline();
		this.slotSeq = new long[this.window];
		this.slotTime = new long[this.window];
		Arrays.fill(this.slotSeq, -1);
		this.out = ByteBuffer.allocate(this.size);
	}

	@Override
	void open(long now) throws IOException {
		this.channel = DatagramChannel.open();
		this.channel.configureBlocking(false);
		this.channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
		this.channel.connect(this.config.address());
		this.key = this.channel.register(this.worker.selector, SelectionKey.OP_READ, this);
		this.worker.connected();
		send(now);
	}

	@Override
	void send(long now) throws IOException {
		while (this.inFlight < this.window) {
			int slot = (int) (this.nextSeq % this.window);
			if (this.slotSeq[slot] >= 0) {
				// The datagram in this slot is still awaited; wait for it or for its
				// timeout.
				break;
			}
			if (!this.worker.acquire(now)) {
				this.worker.starve(this);
				break;
			}
			fill(this.nextSeq);
			this.out.flip();
			if (this.channel.write(this.out) == 0) {
				// Socket buffer full: retry on the next timer tick.
				break;
			}
			this.slotSeq[slot] = this.nextSeq;
			this.slotTime[slot] = now;
			this.nextSeq++;
			this.inFlight++;
			this.stats.sent.incrementAndGet();
		}
	}

	private void fill(long seq) {
		this.out.clear();
		this.out.putLong(seq);
		long base = seq * this.size;
		for (int i = 8; i < this.size; i++) {
			this.out.put(Pattern.at(this.id, base + i));
		}
	}

	@Override
	void ready(SelectionKey key, long now) throws IOException {
		ByteBuffer in = this.worker.readBuffer;
		while (true) {
			in.clear();
			int n;
			try {
				n = this.channel.read(in);
			}
			catch (PortUnreachableException ex) {
				this.stats.errors.incrementAndGet();
				this.worker.note("udp socket " + this.id + ": port unreachable (nothing listening)");
				continue;
			}
			if (n <= 0) {
				break;
			}
			in.flip();
			onDatagram(in, n, now);
		}
		send(now);
	}

	private void onDatagram(ByteBuffer in, int n, long now) {
		if (n < 8) {
			this.worker.mismatch(this, "datagram of " + n + " bytes is too short to carry a sequence number");
			return;
		}
		long seq = in.getLong(0);
		int slot = (int) Math.floorMod(seq, (long) this.window);
		if (seq < 0 || seq >= this.nextSeq || this.slotSeq[slot] != seq) {
			if (seq >= 0 && seq < this.nextSeq) {
				this.stats.late.incrementAndGet();
			}
			else {
				this.worker.mismatch(this, "reply carries unknown sequence number " + seq);
			}
			return;
		}
		this.slotSeq[slot] = -1;
		this.inFlight--;
		if (n != this.size) {
			this.worker.mismatch(this, "reply to datagram " + seq + " has " + n + " bytes, sent " + this.size);
			return;
		}
		byte[] bytes = in.array();
		long base = seq * this.size;
		for (int i = 8; i < this.size; i++) {
			if (bytes[i] != Pattern.at(this.id, base + i)) {
				this.worker.mismatch(this, "reply to datagram " + seq + " differs at byte " + i);
				return;
			}
		}
		this.stats.completed(this.size, now - this.slotTime[slot]);
	}

	@Override
	void checkTimeout(long now) throws IOException {
		if (!isOpen()) {
			return;
		}
		long limit = this.config.timeout().toNanos();
		for (int slot = 0; slot < this.window; slot++) {
			if (this.slotSeq[slot] >= 0 && now - this.slotTime[slot] > limit) {
				this.slotSeq[slot] = -1;
				this.inFlight--;
				this.stats.lost.incrementAndGet();
			}
		}
		send(now);
	}

	@Override
	boolean isOpen() {
		return this.channel != null && this.channel.isOpen();
	}

	@Override
	void close() {
		if (isOpen()) {
			this.stats.open.decrementAndGet();
			try {
				this.channel.close();
			}
			catch (IOException ignored) {
				// closing anyway
			}
		}
	}

}
