package dev.portico.search;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.tcp.FrameClock;
import dev.portico.tcp.FrameReader;

/**
 * Reads one connection's search frames with the protocol's incremental
 * {@link SearchFrameDecoder}, the same parser the bundled client uses. One socket read
 * usually brings a whole frame (and pipelined frames after it); they are handed out one
 * per call, in order, and a bad frame after good ones is reported once those are
 * answered.
 *
 * <p>
 * The frame timeout runs from the first byte of a frame until it is whole: a connection
 * that waits between frames is idle, not slow.
 */
final class SearchFrameReader implements FrameReader<SearchDecodeResult> {

	/** Bytes read per socket read: a typical request is a few hundred bytes. */
	private static final int READ_BUFFER = 4096;

	private final FrameClock clock;

	private final SearchFrameDecoder decoder;

	private final ArrayDeque<SearchMessage> ready = new ArrayDeque<>(2);

	private final byte[] buffer = new byte[READ_BUFFER];

	private SearchProtocolException failure;

	SearchFrameReader(FrameClock clock, int maxContentLength) {
		this.clock = clock;
		this.decoder = new SearchFrameDecoder(maxContentLength);
	}

	@Override
	public SearchDecodeResult read(InputStream in) throws IOException {
		while (true) {
			SearchMessage next = this.ready.poll();
			if (next != null) {
				return SearchDecodeResult.ok(next);
			}
			if (this.failure != null) {
				return SearchDecodeResult.bad(this.failure);
			}
			int n = in.read(this.buffer, 0, this.buffer.length);
			if (n < 0) {
				if (this.decoder.isAtFrameBoundary()) {
					throw new EOFException("Stream closed between frames");
				}
				try {
					this.decoder.endOfStream();
				}
				catch (SearchProtocolException ex) {
					this.failure = ex;
				}
				continue;
			}
			boolean wasBetweenFrames = this.decoder.isAtFrameBoundary();
			try {
				this.decoder.decode(this.buffer, 0, n, this.ready::add);
			}
			catch (SearchProtocolException ex) {
				this.failure = ex;
			}
			if (this.decoder.isAtFrameBoundary()) {
				this.clock.frameEnded();
			}
			else if (wasBetweenFrames || !this.ready.isEmpty()) {
				// a new frame began in this read
				this.clock.frameStarted();
			}
		}
	}

}
