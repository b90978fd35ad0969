package dev.portico.search;

import java.util.Locale;

import dev.portico.listener.ErrorKind;
import dev.portico.protocol.SearchProtocolException.Kind;

/** Bad requests a search listener counts, one per kind of protocol fault. */
public enum SearchErrorKind implements ErrorKind {

	ZERO_HEADER_LENGTH, TRUNCATED_FRAME, HEADER_NOT_UTF8, HEADER_NOT_JSON, HEADER_NOT_OBJECT, MISSING_HEADER,
	INVALID_HEADER, INVALID_CONTENT_LENGTH, CONTENT_TOO_LARGE, UNKNOWN_CHARSET, CONTENT_NOT_DECODABLE, CONTENT_NOT_JSON,
	CONTENT_NOT_OBJECT, INVALID_REQUEST;

	private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

	@Override
	public String tag() {
		return this.tag;
	}

	/** The kind counted for a protocol fault. */
	static SearchErrorKind of(Kind kind) {
		return valueOf(kind.name());
	}

}
