package dev.portico.search;

import java.util.function.Consumer;

import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.tcp.FrameClock;
import dev.portico.tcp.FrameDecoder;

/**
 * One connection's search frames, decoded as bytes arrive with the protocol's incremental
 * {@link SearchFrameDecoder} (the parser the bundled client uses): good frames become
 * {@link SearchDecodeResult.Ok}, the first bad one a {@link SearchDecodeResult.Bad} after
 * the good frames before it, and nothing is decoded after that. The event loop feeds it
 * directly; {@link SearchFrameReader} feeds it from a blocking stream.
 *
 * <p>
 * The frame timeout runs from the first byte of a frame until it is whole: a connection
 * that waits between frames is idle, not slow.
 */
final class SearchFrames implements FrameDecoder<SearchDecodeResult> {

	private final FrameClock clock;

	private final SearchFrameDecoder decoder;

	private final Consumer<SearchMessage> decoded = this::decoded;

	private Consumer<SearchDecodeResult> out;

	private int frames;

	private SearchDecodeResult failure;

	SearchFrames(FrameClock clock, int maxContentLength) {
		this.clock = clock;
		this.decoder = new SearchFrameDecoder(maxContentLength);
	}

	/** The bad frame that ended decoding, or null. */
	SearchDecodeResult failure() {
		return this.failure;
	}

	@Override
	public void decode(byte[] buffer, int offset, int length, Consumer<SearchDecodeResult> out) {
		if (this.failure != null) {
			return;
		}
		boolean wasBetweenFrames = this.decoder.isAtFrameBoundary();
		this.out = out;
		this.frames = 0;
		try {
			this.decoder.decode(buffer, offset, length, this.decoded);
		}
		catch (SearchProtocolException ex) {
			fail(ex, out);
		}
		finally {
			this.out = null;
		}
		if (this.decoder.isAtFrameBoundary()) {
			this.clock.frameEnded();
		}
		else if (wasBetweenFrames || this.frames > 0) {
			// a new frame began in these bytes
			this.clock.frameStarted();
		}
	}

	/** A stream that ends inside a frame gives a truncated-frame result. */
	@Override
	public void endOfStream(Consumer<SearchDecodeResult> out) {
		if (this.failure != null || this.decoder.isAtFrameBoundary()) {
			return;
		}
		try {
			this.decoder.endOfStream();
		}
		catch (SearchProtocolException ex) {
			fail(ex, out);
		}
	}

	private void decoded(SearchMessage message) {
		this.frames++;
		this.out.accept(SearchDecodeResult.ok(message));
	}

	private void fail(SearchProtocolException ex, Consumer<SearchDecodeResult> out) {
		this.failure = SearchDecodeResult.bad(ex);
		out.accept(this.failure);
	}

}
