package dev.portico.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes search protocol frames byte for byte as the reference Python server does.
 *
 * <pre>
 * +----------------+---------------------------+---------------------------+
 * | 2 bytes        | L bytes                   | content-length bytes      |
 * | L, unsigned    | JSON header, UTF-8        | content                   |
 * | big-endian     | (a JSON object)           |                           |
 * +----------------+---------------------------+---------------------------+
 * </pre>
 *
 * The header holds exactly {@code byteorder}, {@code content-type},
 * {@code content-encoding} and {@code content-length}, in that order, written by
 * {@link PythonJson}; extra keys a decoded message carries are not written.
 */
public final class SearchFrameEncoder {

	private SearchFrameEncoder() {
	}

	/**
	 * The JSON header bytes for a message, without the 2-byte prefix.
	 * @param message the message
	 * @return the UTF-8 header bytes
	 * @throws IllegalArgumentException if the header would not fit the 2-byte prefix
	 */
	public static byte[] header(SearchMessage message) {
		Map<String, Object> header = new LinkedHashMap<>(8);
		header.put(SearchHeader.BYTEORDER, message.byteorder());
		header.put(SearchHeader.CONTENT_TYPE, message.contentType());
		header.put(SearchHeader.CONTENT_ENCODING, message.contentEncoding());
		header.put(SearchHeader.CONTENT_LENGTH, message.content().length);
		byte[] bytes = PythonJson.write(header).getBytes(StandardCharsets.UTF_8);
		if (bytes.length > SearchHeader.MAX_HEADER_LENGTH) {
			throw new IllegalArgumentException(
					"Header of " + bytes.length + " bytes exceeds " + SearchHeader.MAX_HEADER_LENGTH);
		}
		return bytes;
	}

	/**
	 * One whole frame.
	 * @param message the message
	 * @return prefix, header and content
	 */
	public static byte[] encode(SearchMessage message) {
		byte[] header = header(message);
		byte[] content = message.content();
		byte[] frame = new byte[2 + header.length + content.length];
		frame[0] = (byte) (header.length >>> 8);
		frame[1] = (byte) header.length;
		System.arraycopy(header, 0, frame, 2, header.length);
		System.arraycopy(content, 0, frame, 2 + header.length, content.length);
		return frame;
	}

	/**
	 * Write one whole frame; the caller flushes.
	 * @param message the message
	 * @param out where to write
	 * @throws IOException if writing fails
	 */
	public static void encode(SearchMessage message, OutputStream out) throws IOException {
		byte[] header = header(message);
		byte[] prefixAndHeader = new byte[2 + header.length];
		prefixAndHeader[0] = (byte) (header.length >>> 8);
		prefixAndHeader[1] = (byte) header.length;
		System.arraycopy(header, 0, prefixAndHeader, 2, header.length);
		out.write(prefixAndHeader);
		out.write(message.content());
	}

}
