package dev.portico.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import dev.portico.protocol.SearchProtocolException.Kind;

/**
 * Incremental search protocol decoder for one connection: feed it bytes as they arrive,
 * in any split, and it hands out each complete {@link SearchMessage}.
 *
 * <p>
 * Limits are checked before memory is committed: a zero header length fails at once, the
 * header is at most 65535 bytes by construction, and a declared content-length above the
 * maximum fails as soon as the header is complete, without waiting for the content.
 * Buffers grow with the bytes that actually arrive, never to a declared length up front.
 *
 * <p>
 * After a {@link SearchProtocolException} the decoder is spent: every later call throws
 * the same exception. Not thread-safe; use one decoder per connection.
 */
public final class SearchFrameDecoder {

	/** The default largest content-length accepted: 1 MiB. */
	public static final int DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024;

	private static final byte[] EMPTY = new byte[0];

	private static final int INITIAL_BUFFER = 256;

	private enum Phase {

		PREFIX, HEADER, CONTENT

	}

	private final int maxContentLength;

	private Phase phase = Phase.PREFIX;

	private int prefixBytes;

	private int prefixValue;

	/**
	 * The header or content being collected: {@code filled} of {@code expected} bytes are
	 * in.
	 */
	private byte[] buffer = EMPTY;

	private int filled;

	private int expected;

	private int headerLength;

	private SearchHeader header;

	private SearchProtocolException failure;

	public SearchFrameDecoder() {
		this(DEFAULT_MAX_CONTENT_LENGTH);
	}

	/**
	 * @param maxContentLength the largest content-length accepted, zero or more
	 */
	public SearchFrameDecoder(int maxContentLength) {
		if (maxContentLength < 0) {
			throw new IllegalArgumentException("maxContentLength must not be negative");
		}
		this.maxContentLength = maxContentLength;
	}

	public int getMaxContentLength() {
		return this.maxContentLength;
	}

	/**
	 * Consume all remaining bytes of {@code in}, handing each complete message to
	 * {@code sink} in order. Messages completed before a bad frame are handed out before
	 * the exception is thrown.
	 * @param in the bytes that arrived
	 * @param sink receives each complete message
	 * @throws SearchProtocolException if the input breaks the protocol
	 */
	public void decode(ByteBuffer in, Consumer<? super SearchMessage> sink) throws SearchProtocolException {
		if (this.failure != null) {
			throw this.failure;
		}
		try {
			while (in.hasRemaining()) {
				switch (this.phase) {
					case PREFIX -> readPrefix(in);
					case HEADER -> readHeader(in, sink);
					case CONTENT -> readContent(in, sink);
				}
			}
		}
		catch (SearchProtocolException ex) {
			this.failure = ex;
			this.buffer = EMPTY;
			throw ex;
		}
	}

	/**
	 * Consume {@code length} bytes of {@code bytes} from {@code offset}.
	 * @param bytes the array holding the bytes that arrived
	 * @param offset where they start
	 * @param length how many
	 * @param sink receives each complete message
	 * @throws SearchProtocolException if the input breaks the protocol
	 */
	public void decode(byte[] bytes, int offset, int length, Consumer<? super SearchMessage> sink)
			throws SearchProtocolException {
		decode(ByteBuffer.wrap(bytes, offset, length), sink);
	}

	/**
	 * Consume all remaining bytes of {@code in} and return the messages they complete. If
	 * a bad frame follows complete messages, those messages are returned and the
	 * exception is thrown by the next call.
	 * @param in the bytes that arrived
	 * @return the complete messages, possibly none
	 * @throws SearchProtocolException if the input breaks the protocol before any message
	 * completed
	 */
	public List<SearchMessage> decode(ByteBuffer in) throws SearchProtocolException {
		List<SearchMessage> messages = new ArrayList<>(1);
		try {
			decode(in, messages::add);
		}
		catch (SearchProtocolException ex) {
			if (messages.isEmpty()) {
				throw ex;
			}
		}
		return messages;
	}

	/**
	 * Consume {@code length} bytes of {@code bytes} from {@code offset}; see
	 * {@link #decode(ByteBuffer)}.
	 * @param bytes the array holding the bytes that arrived
	 * @param offset where they start
	 * @param length how many
	 * @return the complete messages, possibly none
	 * @throws SearchProtocolException if the input breaks the protocol before any message
	 * completed
	 */
	public List<SearchMessage> decode(byte[] bytes, int offset, int length) throws SearchProtocolException {
		return decode(ByteBuffer.wrap(bytes, offset, length));
	}

	/**
	 * Report that the peer closed its side. A close between frames is normal and returns
	 * quietly; a close inside a frame is a truncated frame.
	 * @throws SearchProtocolException {@link Kind#TRUNCATED_FRAME} if the stream ended
	 * inside a frame, or the earlier failure if the decoder already failed
	 */
	public void endOfStream() throws SearchProtocolException {
		if (this.failure != null) {
			throw this.failure;
		}
		if (!isAtFrameBoundary()) {
			this.failure = truncated();
			this.buffer = EMPTY;
			throw this.failure;
		}
	}

	/**
	 * Whether the decoder sits between frames, holding no partial frame: a close now is
	 * clean.
	 * @return whether no bytes of an unfinished frame are held
	 */
	public boolean isAtFrameBoundary() {
		return this.failure == null && this.phase == Phase.PREFIX && this.prefixBytes == 0;
	}

	/**
	 * How many bytes of an unfinished frame are held.
	 * @return buffered bytes, prefix included
	 */
	public int getBufferedBytes() {
		return switch (this.phase) {
			case PREFIX -> this.prefixBytes;
			case HEADER -> 2 + this.filled;
			case CONTENT -> 2 + this.headerLength + this.filled;
		};
	}

	private SearchProtocolException truncated() {
		String where = switch (this.phase) {
			case PREFIX -> "in the 2-byte header length";
			case HEADER -> "after " + this.filled + " of " + this.expected + " header bytes";
			case CONTENT -> "after " + this.filled + " of " + this.expected + " content bytes";
		};
		return new SearchProtocolException(Kind.TRUNCATED_FRAME, "stream ended inside a frame, " + where);
	}

	private void readPrefix(ByteBuffer in) throws SearchProtocolException {
		this.prefixValue = (this.prefixValue << 8) | (in.get() & 0xFF);
		if (++this.prefixBytes < 2) {
			return;
		}
		this.headerLength = this.prefixValue;
		this.prefixBytes = 0;
		this.prefixValue = 0;
		if (this.headerLength == 0) {
			throw new SearchProtocolException(Kind.ZERO_HEADER_LENGTH, "header length is 0");
		}
		this.phase = Phase.HEADER;
		this.expected = this.headerLength;
		this.filled = 0;
	}

	private void readHeader(ByteBuffer in, Consumer<? super SearchMessage> sink) throws SearchProtocolException {
		fill(in);
		if (this.filled < this.expected) {
			return;
		}
		this.header = SearchHeader.parse(this.buffer, this.expected, this.maxContentLength);
		this.phase = Phase.CONTENT;
		this.expected = this.header.contentLength();
		this.filled = 0;
		if (this.expected == 0) {
			complete(sink, EMPTY);
		}
	}

	private void readContent(ByteBuffer in, Consumer<? super SearchMessage> sink) throws SearchProtocolException {
		fill(in);
		if (this.filled < this.expected) {
			return;
		}
		byte[] content;
		if (this.buffer.length == this.expected) {
			// Hand the buffer over rather than copying it; the next section starts
			// afresh.
			content = this.buffer;
			this.buffer = EMPTY;
		}
		else {
			content = Arrays.copyOf(this.buffer, this.expected);
		}
		complete(sink, content);
	}

	private void complete(Consumer<? super SearchMessage> sink, byte[] content) throws SearchProtocolException {
		SearchMessage message = this.header.toMessage(content);
		this.header = null;
		this.phase = Phase.PREFIX;
		this.expected = 0;
		this.filled = 0;
		if (this.buffer.length > INITIAL_BUFFER * 16) {
			this.buffer = EMPTY;
		}
		sink.accept(message);
	}

	/**
	 * Copy what is available of the current section, growing the buffer only to hold it.
	 */
	private void fill(ByteBuffer in) {
		int count = Math.min(in.remaining(), this.expected - this.filled);
		int needed = this.filled + count;
		if (needed > this.buffer.length) {
			int grown = Math.max(needed, Math.max(INITIAL_BUFFER, this.buffer.length * 2));
			this.buffer = Arrays.copyOf(this.buffer, Math.min(grown, this.expected));
		}
		in.get(this.buffer, this.filled, count);
		this.filled += count;
	}

}
