package dev.portico.protocol;

/**
 * A search protocol frame or request that Portico refuses, with the kind of fault and a
 * message fit to send back to the client.
 */
public class SearchProtocolException extends Exception {

	private static final long serialVersionUID = 1L;

	/** What was wrong with the input. */
	public enum Kind {

		/** The 2-byte prefix declared a header of length 0. */
		ZERO_HEADER_LENGTH,

		/** The stream ended inside a frame (in the prefix, the header or the content). */
		TRUNCATED_FRAME,

		/** The header bytes are not valid UTF-8. */
		HEADER_NOT_UTF8,

		/** The header is not valid JSON. */
		HEADER_NOT_JSON,

		/** The header is valid JSON but not an object. */
		HEADER_NOT_OBJECT,

		/** A required header key is missing. */
		MISSING_HEADER,

		/**
		 * A header value has the wrong type (for example a content-type that is not a
		 * string).
		 */
		INVALID_HEADER,

		/**
		 * The content-length is negative, fractional, not a number, or not an integer at
		 * all.
		 */
		INVALID_CONTENT_LENGTH,

		/** The content-length is above the decoder's maximum. */
		CONTENT_TOO_LARGE,

		/** The content-encoding of a JSON message names no charset this JVM knows. */
		UNKNOWN_CHARSET,

		/** The content of a JSON message is not valid text in its content-encoding. */
		CONTENT_NOT_DECODABLE,

		/** The content of a JSON message is not valid JSON. */
		CONTENT_NOT_JSON,

		/** The content of a JSON message is valid JSON but not an object. */
		CONTENT_NOT_OBJECT,

		/** The request object lacks a usable "action" or "value". */
		INVALID_REQUEST;

		/**
		 * Whether an error frame can still be sent for this kind of fault. After the
		 * stream ended inside a frame the peer has stopped sending; Portico closes
		 * without answering.
		 * @return {@code false} only for {@link #TRUNCATED_FRAME}
		 */
		public boolean canReply() {
			return this != TRUNCATED_FRAME;
		}

	}

	private final Kind kind;

	public SearchProtocolException(Kind kind, String message) {
		super(message);
		this.kind = kind;
	}

	public SearchProtocolException(Kind kind, String message, Throwable cause) {
		super(message, cause);
		this.kind = kind;
	}

	public Kind getKind() {
		return this.kind;
	}

}
