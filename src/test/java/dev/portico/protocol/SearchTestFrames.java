package dev.portico.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Byte fixtures for the search protocol tests, written out literally: ASCII text, hex for
 * everything else.
 */
public final class SearchTestFrames {

	private SearchTestFrames() {
	}

	/** Bytes from hex digits; spaces are ignored. */
	public static byte[] hex(String hex) {
		return HexFormat.of().parseHex(hex.replace(" ", ""));
	}

	/**
	 * ASCII text as bytes; refuses anything else so that non-ASCII bytes stay visible as
	 * hex.
	 */
	public static byte[] ascii(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) > 0x7F) {
				throw new IllegalArgumentException("Not ASCII at " + i + ": write it as hex");
			}
		}
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** A frame whose 2-byte prefix is the length of the given header bytes. */
	public static byte[] frame(byte[] header, byte[] content) {
		return concat(new byte[] { (byte) (header.length >>> 8), (byte) header.length }, header, content);
	}

	/** A frame with an ASCII header. */
	public static byte[] frame(String asciiHeader, byte[] content) {
		return frame(ascii(asciiHeader), content);
	}

	/** The header a Python client sends, in its key order and spacing. */
	public static String header(String contentType, String contentEncoding, long contentLength) {
		return "{\"byteorder\": \"little\", \"content-type\": \"" + contentType + "\", \"content-encoding\": \""
				+ contentEncoding + "\", \"content-length\": " + contentLength + "}";
	}

	/** A JSON request frame with the given content bytes. */
	public static byte[] jsonRequest(byte[] content) {
		return frame(header("text/json", "utf-8", content.length), content);
	}

	/** {@code {"action": "search", "value": "<value>"}} for an ASCII value. */
	public static byte[] searchRequest(String asciiValue) {
		return jsonRequest(ascii("{\"action\": \"search\", \"value\": \"" + asciiValue + "\"}"));
	}

	/** The reference client's morpheus request, written out whole. */
	public static final byte[] MORPHEUS_REQUEST = concat(hex("0067"),
			ascii("{\"byteorder\": \"little\", \"content-type\": \"text/json\", \"content-encoding\": \"utf-8\", "
					+ "\"content-length\": 41}"),
			ascii("{\"action\": \"search\", \"value\": \"morpheus\"}"));

}
