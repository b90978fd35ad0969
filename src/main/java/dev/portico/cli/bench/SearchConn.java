package dev.portico.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.portico.cli.support.SearchRequests;
import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;

/**
 * Search mode: sends search requests whose answers are known (the default index plus a
 * miss) and compares every answer's content byte for byte. With keep-alive a connection
 * carries up to {@code pipeline} requests at once; without it, each request gets a new
 * connection, as the reference client does, and its latency includes the connect.
 */
final class SearchConn extends TcpConn {

	/** One request and the exact content of its answer. */
	record Case(String query, byte[] request, byte[] expected) {

		static Case of(String query, String answer) {
			return new Case(query, SearchRequests.json("search", query), SearchRequests.result(answer));
		}

	}

	/** The default search index's entries, and one miss. */
	static final Case[] CASES = { Case.of("morpheus", "Follow the white rabbit. \uD83D\uDC30"),
			Case.of("ring", "In the caves beneath the Misty Mountains. \uD83D\uDC8D"),
			Case.of("\uD83D\uDC36", "\uD83D\uDC3E Playing ball! \uD83C\uDFD0"),
			Case.of("nobody", "No match for 'nobody'.") };

	private static final int MAX_REQUEST = Arrays.stream(CASES).mapToInt((c) -> c.request().length).max().orElse(0);

	private final boolean keepAlive;

	private final int window;

	private final int[] caseOf;

	private final long[] sendTimes;

	private SearchFrameDecoder decoder;

	private long sent;

	private long done;

	private long connectStart;

	private boolean awaitingClose;

	private long awaitingSince;

	SearchConn(Worker worker, int id) {
		super(worker, id, MAX_REQUEST * (worker.config.keepAlive() ? worker.config.pipeline() : 1));
		this.keepAlive = worker.config.keepAlive();
		this.window = this.keepAlive ? worker.config.pipeline() : 1;
		this.caseOf = new int[this.window];
		this.sendTimes = new long[this.window];
	}

	@Override
	void onConnecting(long now) {
		this.connectStart = now;
		this.decoder = new SearchFrameDecoder();
		this.awaitingClose = false;
		this.sent = 0;
		this.done = 0;
	}

	@Override
	void onConnected(long now) throws IOException {
		send(now);
	}

	@Override
	void send(long now) throws IOException {
		if (!isOpen() || this.connecting || this.awaitingClose) {
			return;
		}
		while (this.sent - this.done < this.window && (this.keepAlive || this.sent == 0)) {
			if (!this.worker.acquire(now)) {
				this.worker.starve(this);
				break;
			}
			int slot = (int) (this.sent % this.window);
			int which = (int) ((this.id + this.stats.sent.get()) % CASES.length);
			this.caseOf[slot] = which;
			this.sendTimes[slot] = this.keepAlive ? now : this.connectStart;
			this.out.put(CASES[which].request());
			this.sent++;
			this.stats.sent.incrementAndGet();
		}
		flush();
	}

	@Override
	void onData(ByteBuffer in, long now) throws IOException {
		if (this.awaitingClose) {
			this.worker.mismatch(this, "bytes after the answer, on a connection the server should close");
			close();
			return;
		}
		try {
			this.decoder.decode(in, (answer) -> answered(answer, now));
		}
		catch (SearchProtocolException ex) {
			this.worker.mismatch(this, "unreadable answer: " + ex.getMessage());
			close();
			return;
		}
		if (isOpen()) {
			send(now);
		}
	}

	private void answered(SearchMessage answer, long now) {
		if (!isOpen() || this.awaitingClose) {
			if (isOpen()) {
				this.worker.mismatch(this, "a second answer on a connection the server should close");
				close();
			}
			return;
		}
		if (this.done >= this.sent) {
			this.worker.mismatch(this, "an answer to a request never sent");
			close();
			return;
		}
		int slot = (int) (this.done % this.window);
		Case expected = CASES[this.caseOf[slot]];
		if (!answer.isJson() || !Arrays.equals(expected.expected(), answer.content())) {
			this.worker.mismatch(this,
					"answer to '" + expected.query() + "' was " + new String(answer.content(), StandardCharsets.UTF_8)
							+ ", expected " + new String(expected.expected(), StandardCharsets.UTF_8));
		}
		else {
			this.stats.completed(answer.content().length, now - this.sendTimes[slot]);
		}
		this.done++;
		if (!this.keepAlive) {
			// The server closes after one answer; wait for its FIN so the TIME_WAIT stays
			// on its side.
			this.awaitingClose = true;
			this.awaitingSince = now;
		}
	}

	@Override
	void onEndOfStream(long now) throws IOException {
		if (this.awaitingClose) {
			close();
			this.worker.reconnect(this);
			return;
		}
		if (this.keepAlive && this.done > 0 && this.decoder.isAtFrameBoundary()) {
			// Closed between answers: the listener most likely serves one request per
			// connection.
			this.stats.closedByPeer.incrementAndGet();
			this.stats.errors.incrementAndGet();
			this.worker.note("connection " + this.id + ": closed by the server after " + this.done
					+ " answers (is keep-alive enabled on the listener?)");
			close();
			return;
		}
		super.onEndOfStream(now);
		if (!this.keepAlive) {
			this.worker.reconnect(this);
		}
	}

	@Override
	void checkTimeout(long now) {
		if (!isOpen() || this.connecting) {
			return;
		}
		long since = this.awaitingClose ? this.awaitingSince
				: (this.done < this.sent) ? this.sendTimes[(int) (this.done % this.window)] : Long.MAX_VALUE;
		if (since != Long.MAX_VALUE && now - since > this.config.timeout().toNanos()) {
			this.stats.timeouts.incrementAndGet();
			this.stats.errors.incrementAndGet();
			this.worker.note("connection " + this.id + (this.awaitingClose ? ": server did not close" : ": no answer")
					+ " within " + this.config.timeout().toMillis() + " ms");
			close();
			if (!this.keepAlive) {
				this.worker.reconnect(this);
			}
		}
	}

}
