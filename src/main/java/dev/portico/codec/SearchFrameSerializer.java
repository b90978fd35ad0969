package dev.portico.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

import org.springframework.core.serializer.Deserializer;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.portico.codec.SearchProtocolException.Kind;

/**
 * Blocking adapter for connection factories that read from an {@link InputStream} (Spring
 * Integration's NET factory): reads exactly one frame per call with the same checks as
 * {@link SearchFrameDecoder}, and writes {@link SearchMessage}s as frames.
 *
 * <p>Reading takes the 2-byte prefix, then the header of that length, validates it, then the
 * content of the validated length, growing its buffer only as bytes arrive. A refused frame is
 * returned as {@link SearchDecodeResult.Bad} (the bytes after it are left unread), so that the
 * listener can answer with an error frame and close. A close before the first byte of a frame
 * throws {@link SoftEndOfStreamException}, which the factory treats as a normal close.
 */
public class SearchFrameSerializer implements Serializer<Object>, Deserializer<SearchDecodeResult> {

	private static final int CHUNK = 8192;

	private final int maxContentLength;

	public SearchFrameSerializer() {
		this(SearchFrameDecoder.DEFAULT_MAX_CONTENT_LENGTH);
	}

	/**
	 * @param maxContentLength the largest content-length accepted, zero or more
	 */
	public SearchFrameSerializer(int maxContentLength) {
		if (maxContentLength < 0) {
			throw new IllegalArgumentException("maxContentLength must not be negative");
		}
		this.maxContentLength = maxContentLength;
	}

	public int getMaxContentLength() {
		return this.maxContentLength;
	}

	/**
	 * Read one frame.
	 * @param in the connection's input stream
	 * @return the message, or why the frame was refused
	 * @throws SoftEndOfStreamException if the stream ended cleanly before a frame
	 * @throws IOException if reading fails
	 */
	@Override
	public SearchDecodeResult deserialize(InputStream in) throws IOException {
		try {
			return SearchDecodeResult.ok(readFrame(in));
		}
		catch (SearchProtocolException ex) {
			return SearchDecodeResult.bad(ex);
		}
	}

	private SearchMessage readFrame(InputStream in) throws IOException, SearchProtocolException {
		int high = in.read();
		if (high < 0) {
			throw new SoftEndOfStreamException("Stream closed between frames");
		}
		int low = in.read();
		if (low < 0) {
			throw new SearchProtocolException(Kind.TRUNCATED_FRAME,
					"stream ended inside a frame, in the 2-byte header length");
		}
		int headerLength = (high << 8) | low;
		if (headerLength == 0) {
			throw new SearchProtocolException(Kind.ZERO_HEADER_LENGTH, "header length is 0");
		}
		byte[] headerBytes = readExactly(in, headerLength, "header");
		SearchHeader header = SearchHeader.parse(headerBytes, headerLength, this.maxContentLength);
		byte[] content = readExactly(in, header.contentLength(), "content");
		return header.toMessage(content);
	}

	/** Read {@code length} bytes, growing the buffer with what arrives rather than to the declared size. */
	private static byte[] readExactly(InputStream in, int length, String section)
			throws IOException, SearchProtocolException {
		byte[] buffer = new byte[Math.min(length, CHUNK)];
		int filled = 0;
		while (filled < length) {
			if (filled == buffer.length) {
				buffer = Arrays.copyOf(buffer, (int) Math.min(length, 2L * buffer.length));
			}
			int read = in.read(buffer, filled, buffer.length - filled);
			if (read < 0) {
				throw new SearchProtocolException(Kind.TRUNCATED_FRAME,
						"stream ended inside a frame, after " + filled + " of " + length + " " + section + " bytes");
			}
			filled += read;
		}
		return buffer;
	}

	/**
	 * Write a {@link SearchMessage} as a frame, a {@link SearchReply}'s message if it has one, or a
	 * {@code byte[]} that is already a whole frame. The connection flushes.
	 * @param object what to write
	 * @param out the connection's output stream
	 * @throws IOException if writing fails
	 */
	@Override
	public void serialize(Object object, OutputStream out) throws IOException {
		if (object instanceof SearchMessage message) {
			SearchFrameEncoder.encode(message, out);
		}
		else if (object instanceof SearchReply reply) {
			if (reply.message() != null) {
				SearchFrameEncoder.encode(reply.message(), out);
			}
		}
		else if (object instanceof byte[] frame) {
			out.write(frame);
		}
		else {
			throw new IllegalArgumentException("Cannot write a " + object.getClass().getName() + " as a search frame");
		}
	}

}
