package dev.portico.protocol;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One search protocol message (request or response): the three descriptive header values,
 * the content bytes, and every key of the JSON header as received.
 *
 * <p>
 * The content array is not copied: treat it as read-only. {@code header} is empty for
 * messages built here to be sent; the encoder writes only the four standard keys.
 *
 * @param byteorder the sender's native byte order, {@code "little"} or {@code "big"}
 * @param contentType {@value #JSON_CONTENT_TYPE} for JSON content, anything else for
 * binary
 * @param contentEncoding a charset name for JSON content, usually {@code "binary"}
 * otherwise
 * @param content the content bytes
 * @param header the decoded JSON header, keys in wire order (unmodifiable, may hold
 * nulls)
 */
public record SearchMessage(String byteorder, String contentType, String contentEncoding, byte[] content,
		Map<String, Object> header) {

	/** The content-type of JSON content. */
	public static final String JSON_CONTENT_TYPE = "text/json";

	/** The content-encoding Portico uses for JSON content. */
	public static final String UTF_8 = "utf-8";

	/** The byteorder value of this JVM, as Python's {@code sys.byteorder} spells it. */
	public static final String NATIVE_BYTE_ORDER = (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) ? "little"
			: "big";

	public SearchMessage {
		Objects.requireNonNull(byteorder, "byteorder");
		Objects.requireNonNull(contentType, "contentType");
		Objects.requireNonNull(contentEncoding, "contentEncoding");
		Objects.requireNonNull(content, "content");
		header = (header == null || header.isEmpty()) ? Map.of()
				: Collections.unmodifiableMap(new LinkedHashMap<>(header));
	}

	/**
	 * A message in this JVM's byte order, with no extra header keys.
	 * @param contentType the content-type
	 * @param contentEncoding the content-encoding
	 * @param content the content bytes (not copied)
	 * @return the message
	 */
	public static SearchMessage of(String contentType, String contentEncoding, byte[] content) {
		return new SearchMessage(NATIVE_BYTE_ORDER, contentType, contentEncoding, content, Map.of());
	}

	/**
	 * A JSON message whose content is the given JSON text, encoded as UTF-8.
	 * @param json the JSON text
	 * @return the message
	 */
	public static SearchMessage json(String json) {
		return of(JSON_CONTENT_TYPE, UTF_8, json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Whether the content is JSON ({@code content-type} is exactly
	 * {@value #JSON_CONTENT_TYPE}, as the reference server compares it); every other
	 * content-type is binary.
	 * @return whether the content is JSON
	 */
	public boolean isJson() {
		return JSON_CONTENT_TYPE.equals(this.contentType);
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof SearchMessage that && this.byteorder.equals(that.byteorder)
				&& this.contentType.equals(that.contentType) && this.contentEncoding.equals(that.contentEncoding)
				&& Arrays.equals(this.content, that.content) && this.header.equals(that.header));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.byteorder, this.contentType, this.contentEncoding, Arrays.hashCode(this.content),
				this.header);
	}

	@Override
	public String toString() {
		return "SearchMessage[byteorder=" + this.byteorder + ", contentType=" + this.contentType + ", contentEncoding="
				+ this.contentEncoding + ", contentLength=" + this.content.length + "]";
	}

}
