package dev.portico.protocol;

/** A PROXY protocol header that cannot be accepted, with the kind of fault. */
public class ProxyProtocolException extends Exception {

	private static final long serialVersionUID = 1L;

	/** What was wrong with the header. */
	public enum Kind {

		/** The bytes begin as a header but break its syntax or carry invalid values. */
		MALFORMED,

		/**
		 * A version 1 line without its CRLF within 107 bytes, or a version 2 header
		 * declaring more than the decoder's maximum.
		 */
		TOO_LONG,

		/** The stream ended inside the header. */
		TRUNCATED

	}

	private final Kind kind;

	public ProxyProtocolException(Kind kind, String message) {
		super(message);
		this.kind = kind;
	}

	public Kind getKind() {
		return this.kind;
	}

}
