package dev.portico.search;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import dev.portico.tcp.FrameClock;
import dev.portico.tcp.FrameReader;

/**
 * Reads one connection's search frames from a blocking stream through
 * {@link SearchFrames}. One socket read usually brings a whole frame (and pipelined
 * frames after it); they are handed out one per call, in order, and a bad frame after
 * good ones is reported once those are answered.
 */
final class SearchFrameReader implements FrameReader<SearchDecodeResult> {

	/** Bytes read per socket read: a typical request is a few hundred bytes. */
	private static final int READ_BUFFER = 4096;

	private final SearchFrames frames;

	private final ArrayDeque<SearchDecodeResult> ready = new ArrayDeque<>(2);

	private final Consumer<SearchDecodeResult> readyAdd = this.ready::add;

	private final byte[] buffer = new byte[READ_BUFFER];

	SearchFrameReader(FrameClock clock, int maxContentLength) {
		this.frames = new SearchFrames(clock, maxContentLength);
	}

	@Override
	public SearchDecodeResult read(InputStream in) throws IOException {
		while (true) {
			SearchDecodeResult next = this.ready.poll();
			if (next != null) {
				return next;
			}
			if (this.frames.failure() != null) {
				return this.frames.failure();
			}
			int n = in.read(this.buffer, 0, this.buffer.length);
			if (n < 0) {
				this.frames.endOfStream(this.readyAdd);
				if (this.ready.isEmpty()) {
					throw new EOFException("Stream closed between frames");
				}
				continue;
			}
			this.frames.decode(this.buffer, 0, n, this.readyAdd);
		}
	}

}
