package dev.portico.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.portico.protocol.SearchProtocolException.Kind;

/**
 * Strict text decoding and JSON parsing shared by the header and content checks, so that
 * both decoders and the responder agree on what is valid.
 */
public final class SearchJson {

	/**
	 * Trailing tokens fail (as Python's "Extra data"); NaN, comments and single quotes
	 * fail.
	 */
	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	/** Python codec names that Java spells differently. */
	private static final Map<String, Charset> PYTHON_ALIASES = Map.of("latin-1", StandardCharsets.ISO_8859_1, "latin_1",
			StandardCharsets.ISO_8859_1, "u8", StandardCharsets.UTF_8, "utf", StandardCharsets.UTF_8, "utf8",
			StandardCharsets.UTF_8);

	private static final int MAX_QUOTED = 40;

	private SearchJson() {
	}

	/**
	 * Decode bytes with a decoder that reports, never replaces, malformed input.
	 * @throws CharacterCodingException if the bytes are not valid in the charset
	 */
	static String decodeStrictly(byte[] bytes, int length, Charset charset) throws CharacterCodingException {
		return charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(bytes, 0, length))
			.toString();
	}

	/**
	 * Parse JSON text into a tree; a missing document (empty or blank text) is not JSON.
	 * @return the tree, never a missing node
	 * @throws JacksonException if the text is not one valid JSON value
	 */
	static JsonNode parse(String text) {
		JsonNode node = MAPPER.readTree(text);
		if (node == null || node.isMissingNode()) {
			throw new IllegalArgumentException("no JSON value");
		}
		return node;
	}

	static Map<String, Object> toMap(JsonNode object) {
		@SuppressWarnings("unchecked")
		Map<String, Object> map = MAPPER.treeToValue(object, Map.class);
		return map;
	}

	/**
	 * The charset for a content-encoding, accepting Java names and aliases and the Python
	 * spellings a Python client is likely to send ({@code latin-1}, {@code utf_8}).
	 */
	static Charset charset(String name) throws SearchProtocolException {
		Charset alias = PYTHON_ALIASES.get(name.toLowerCase(Locale.ROOT));
		if (alias != null) {
			return alias;
		}
		try {
			return Charset.forName(name);
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			String dashed = name.replace('_', '-');
			try {
				if (!dashed.equals(name)) {
					return Charset.forName(dashed);
				}
			}
			catch (IllegalCharsetNameException | UnsupportedCharsetException ignored) {
				// reported below with the name the client sent
			}
			throw new SearchProtocolException(Kind.UNKNOWN_CHARSET, "unknown content-encoding " + quote(name));
		}
	}

	/**
	 * The JSON object a JSON message carries, checked the same way whoever asks.
	 * @throws SearchProtocolException if the content is not text in its encoding, not
	 * JSON, or not an object
	 */
	public static JsonNode contentObject(SearchMessage message) throws SearchProtocolException {
		Charset charset = charset(message.contentEncoding());
		byte[] content = message.content();
		String text;
		try {
			text = decodeStrictly(content, content.length, charset);
		}
		catch (CharacterCodingException ex) {
			throw new SearchProtocolException(Kind.CONTENT_NOT_DECODABLE,
					"content is not valid " + quote(message.contentEncoding()) + " text", ex);
		}
		JsonNode node;
		try {
			node = parse(text);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new SearchProtocolException(Kind.CONTENT_NOT_JSON, "content is not valid JSON", ex);
		}
		if (!node.isObject()) {
			throw new SearchProtocolException(Kind.CONTENT_NOT_OBJECT,
					"content is not a JSON object, got " + describe(node));
		}
		return node;
	}

	/** A short description of a JSON value's type, safe to echo to a client. */
	public static String describe(JsonNode node) {
		return switch (node.getNodeType()) {
			case ARRAY -> "an array";
			case STRING -> "a string";
			case NUMBER -> "a number";
			case BOOLEAN -> "a boolean";
			case NULL -> "null";
			case OBJECT -> "an object";
			default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
		};
	}

	/** A client-supplied value in single quotes, cut short so that errors stay small. */
	static String quote(String value) {
		String shown = (value.length() > MAX_QUOTED) ? value.substring(0, MAX_QUOTED) + "..." : value;
		return "'" + shown + "'";
	}

}
