package dev.portico.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client side of the search protocol's framing, as far as the clients need it:
 * <pre>
 * +----------------+---------------------------+---------------------------+
 * | 2 bytes        | L bytes                   | content-length bytes      |
 * | L, unsigned BE | JSON header, UTF-8        | content                   |
 * +----------------+---------------------------+---------------------------+
 * </pre>
 */
public final class SearchFrames {

	/** The largest content a client accepts, as the server's default maximum. */
	public static final int MAX_CONTENT = 1024 * 1024;

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private SearchFrames() {
	}

	/** A JSON request {@code {"action": ..., "value": ...}}, framed, in the reference client's format. */
	public static byte[] jsonRequest(String action, String value) {
		String content = "{\"action\": " + quote(action) + ", \"value\": " + quote(value) + "}";
		return frame("text/json", "utf-8", content.getBytes(StandardCharsets.UTF_8));
	}

	/** A binary request with the reference client's content type. */
	public static byte[] binaryRequest(byte[] content) {
		return frame("binary/custom-client-binary-type", "binary", content);
	}

	/** One frame: length prefix, JSON header with the four required keys in the reference order, content. */
	public static byte[] frame(String contentType, String encoding, byte[] content) {
		String header = "{\"byteorder\": \"little\", \"content-type\": " + quote(contentType) + ", \"content-encoding\": "
				+ quote(encoding) + ", \"content-length\": " + content.length + "}";
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		ByteBuffer frame = ByteBuffer.allocate(2 + headerBytes.length + content.length);
		frame.putShort((short) headerBytes.length).put(headerBytes).put(content);
		return frame.array();
	}

	/** A JSON string literal with raw UTF-8 for non-ASCII text, as Python's {@code ensure_ascii=False}. */
	public static String quote(String text) {
		StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case '\t' -> sb.append("\\t");
				case '\b' -> sb.append("\\b");
				case '\f' -> sb.append("\\f");
				default -> {
					if (c < 0x20) {
						sb.append(String.format("\\u%04x", (int) c));
					}
					else {
						sb.append(c);
					}
				}
			}
		}
		return sb.append('"').toString();
	}

	/** Parses a JSON object, or answers null when the bytes are not one. */
	public static JsonNode parseObject(byte[] bytes) {
		try {
			JsonNode node = JSON.readTree(bytes);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** One received frame. */
	public record Frame(JsonNode header, byte[] content) {

		/** The header's content type, or an empty string. */
		public String contentType() {
			JsonNode type = this.header.get("content-type");
			return (type != null) ? type.asString() : "";
		}

	}

	/** Thrown when the bytes received cannot be a frame; the message says why. */
	public static final class FrameException extends Exception {

		public FrameException(String message) {
			super(message, null, false, false);
		}

	}

	/** An incremental frame reader: feed it bytes as they arrive, take frames as they complete. */
	public static final class Reader {

		private ByteBuffer buffer = ByteBuffer.allocate(4096);

		/** Appends received bytes ({@code in} is read from position to limit). */
		public void feed(ByteBuffer in) {
			if (this.buffer.remaining() < in.remaining()) {
				ByteBuffer bigger = ByteBuffer.allocate(Math.max(this.buffer.capacity() * 2,
						this.buffer.position() + in.remaining()));
				this.buffer.flip();
				bigger.put(this.buffer);
				this.buffer = bigger;
			}
			this.buffer.put(in);
		}

		/** Whether part of a frame has been received but not all of it. */
		public boolean hasPartialFrame() {
			return this.buffer.position() > 0;
		}

		/** The next complete frame, or null if more bytes are needed. */
		public Frame next() throws FrameException {
			int available = this.buffer.position();
			if (available < 2) {
				return null;
			}
			int headerLength = this.buffer.getShort(0) & 0xffff;
			if (headerLength == 0) {
				throw new FrameException("zero header length");
			}
			if (available < 2 + headerLength) {
				return null;
			}
			byte[] headerBytes = new byte[headerLength];
			this.buffer.get(2, headerBytes);
			JsonNode header = parseObject(headerBytes);
			if (header == null) {
				throw new FrameException("header is not a JSON object: "
						+ new String(headerBytes, StandardCharsets.UTF_8));
			}
			JsonNode length = header.get("content-length");
			if (length == null || !length.isIntegralNumber() || length.asLong() < 0 || length.asLong() > MAX_CONTENT) {
				throw new FrameException("bad content-length in header " + header);
			}
			int contentLength = (int) length.asLong();
			if (available < 2 + headerLength + contentLength) {
				return null;
			}
			byte[] content = new byte[contentLength];
			this.buffer.get(2 + headerLength, content);
			int frameLength = 2 + headerLength + contentLength;
			this.buffer.flip();
			this.buffer.position(frameLength);
			this.buffer.compact();
			return new Frame(header, content);
		}

	}

}
