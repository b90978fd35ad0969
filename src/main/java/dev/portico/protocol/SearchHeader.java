package dev.portico.protocol;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import dev.portico.protocol.SearchProtocolException.Kind;

/**
 * A validated JSON header: the one place that decides whether a header is acceptable and
 * how long the content that follows is. Both decoders call {@link #parse} as soon as the
 * header bytes are in, before any content is read or buffered.
 */
record SearchHeader(String byteorder, String contentType, String contentEncoding, int contentLength,
		Map<String, Object> fields) {

	/** The largest header the 2-byte unsigned prefix can declare. */
	static final int MAX_HEADER_LENGTH = 0xFFFF;

	static final String BYTEORDER = "byteorder";

	static final String CONTENT_TYPE = "content-type";

	static final String CONTENT_ENCODING = "content-encoding";

	static final String CONTENT_LENGTH = "content-length";

	/**
	 * Checked in the reference server's order, so the first missing key named is the
	 * same.
	 */
	private static final String[] REQUIRED = { BYTEORDER, CONTENT_LENGTH, CONTENT_TYPE, CONTENT_ENCODING };

	/**
	 * Validate a complete header.
	 * @param bytes the header bytes (the 2-byte prefix excluded)
	 * @param length how many of {@code bytes} belong to the header
	 * @param maxContentLength the largest content-length accepted
	 * @return the header
	 * @throws SearchProtocolException if the header is refused
	 */
	static SearchHeader parse(byte[] bytes, int length, int maxContentLength) throws SearchProtocolException {
		String text;
		try {
			text = SearchJson.decodeStrictly(bytes, length, StandardCharsets.UTF_8);
		}
		catch (CharacterCodingException ex) {
			throw new SearchProtocolException(Kind.HEADER_NOT_UTF8, "header is not valid UTF-8", ex);
		}
		JsonNode node;
		try {
			node = SearchJson.parse(text);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new SearchProtocolException(Kind.HEADER_NOT_JSON, "header is not valid JSON", ex);
		}
		if (!node.isObject()) {
			throw new SearchProtocolException(Kind.HEADER_NOT_OBJECT,
					"header is not a JSON object, got " + SearchJson.describe(node));
		}
		for (String key : REQUIRED) {
			if (!node.has(key)) {
				throw new SearchProtocolException(Kind.MISSING_HEADER, "missing required header '" + key + "'");
			}
		}
		int contentLength = contentLength(node.get(CONTENT_LENGTH), maxContentLength);
		String contentType = string(node, CONTENT_TYPE);
		String contentEncoding = string(node, CONTENT_ENCODING);
		String byteorder = string(node, BYTEORDER);
		if (SearchMessage.JSON_CONTENT_TYPE.equals(contentType)) {
			// Refuse an unusable charset now, before the content is read.
			SearchJson.charset(contentEncoding);
		}
		return new SearchHeader(byteorder, contentType, contentEncoding, contentLength, SearchJson.toMap(node));
	}

	private static int contentLength(JsonNode value, int maxContentLength) throws SearchProtocolException {
		if (!value.isIntegralNumber()) {
			throw new SearchProtocolException(Kind.INVALID_CONTENT_LENGTH,
					"content-length must be a non-negative integer, got " + shown(value));
		}
		if (value.bigIntegerValue().signum() < 0) {
			throw new SearchProtocolException(Kind.INVALID_CONTENT_LENGTH,
					"content-length must be a non-negative integer, got " + shown(value));
		}
		if (!value.canConvertToInt() || value.intValue() > maxContentLength) {
			throw new SearchProtocolException(Kind.CONTENT_TOO_LARGE,
					"content-length " + shown(value) + " exceeds the maximum of " + maxContentLength);
		}
		return value.intValue();
	}

	private static String string(JsonNode header, String key) throws SearchProtocolException {
		JsonNode value = header.get(key);
		if (!value.isString()) {
			throw new SearchProtocolException(Kind.INVALID_HEADER,
					"header '" + key + "' must be a string, got " + SearchJson.describe(value));
		}
		return value.stringValue();
	}

	private static String shown(JsonNode value) {
		if (value.isNumber()) {
			String number = value.toString();
			return (number.length() > 40) ? number.substring(0, 40) + "..." : number;
		}
		return SearchJson.describe(value);
	}

	/**
	 * The message this header and its content make, with JSON content checked.
	 * @param content exactly {@link #contentLength()} bytes
	 * @return the message
	 * @throws SearchProtocolException if JSON content is not a JSON object in its
	 * encoding
	 */
	SearchMessage toMessage(byte[] content) throws SearchProtocolException {
		SearchMessage message = new SearchMessage(this.byteorder, this.contentType, this.contentEncoding, content,
				this.fields);
		if (message.isJson()) {
			SearchJson.contentObject(message);
		}
		return message;
	}

}
