package dev.portico.search;

import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;

/**
 * What a listener should do after a request: write {@code message} (when there is one),
 * and close the connection when {@code close} is set (every error; a normal answer leaves
 * that to the listener's keep-alive setting).
 *
 * @param message the response to write, or {@code null} when no frame can be sent
 * @param close whether the connection must be closed after writing
 * @param error what went wrong, or {@code null} for a normal answer
 */
public record SearchReply(SearchMessage message, boolean close, SearchProtocolException.Kind error) {

	/**
	 * A normal answer.
	 * @param message the response
	 * @return the reply
	 */
	public static SearchReply answer(SearchMessage message) {
		return new SearchReply(message, false, null);
	}

	/**
	 * Whether this reply reports an error.
	 * @return whether {@code error} is set
	 */
	public boolean isError() {
		return this.error != null;
	}

}
