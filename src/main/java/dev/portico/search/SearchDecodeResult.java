package dev.portico.search;

import java.util.Objects;

import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.protocol.SearchProtocolException.Kind;

/**
 * What a blocking read of one frame produced: a message, or a refused frame the listener
 * should answer (when it can) and then close, since a deserializer cannot reply itself.
 */
public sealed interface SearchDecodeResult {

	/**
	 * A good frame.
	 * @param message the decoded message
	 * @return the result
	 */
	static SearchDecodeResult ok(SearchMessage message) {
		return new Ok(message);
	}

	/**
	 * A refused frame.
	 * @param failure why it was refused
	 * @return the result
	 */
	static SearchDecodeResult bad(SearchProtocolException failure) {
		return new Bad(failure.getKind(), failure.getMessage(), failure.getKind().canReply());
	}

	/**
	 * A good frame.
	 *
	 * @param message the decoded message
	 */
	record Ok(SearchMessage message) implements SearchDecodeResult {

		public Ok {
			Objects.requireNonNull(message, "message");
		}

	}

	/**
	 * A refused frame; the stream is no longer aligned on a frame, so the connection must
	 * close.
	 *
	 * @param kind what was wrong
	 * @param detail a message fit to send back in an {@code {"error": ...}} frame
	 * @param canFrameReply whether an error frame can still be sent (not after the peer
	 * closed)
	 */
	record Bad(Kind kind, String detail, boolean canFrameReply) implements SearchDecodeResult {

		public Bad {
			Objects.requireNonNull(kind, "kind");
			Objects.requireNonNull(detail, "detail");
		}

	}

}
