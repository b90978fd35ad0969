package dev.portico.tcp;

import java.util.Map;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

/**
 * Messages without a generated id or timestamp. Portico hands each message from one
 * connection to its handler and back to the same connection, so nothing correlates by id,
 * and generating a random UUID per chunk was measurable work on the echo path.
 */
final class LeanMessages {

	private static final MessageHeaders NO_HEADERS = new LeanHeaders(null);

	private LeanMessages() {
	}

	static <T> Message<T> of(T payload) {
		return new GenericMessage<>(payload, NO_HEADERS);
	}

	static <T> Message<T> of(T payload, Map<String, Object> headers) {
		return new GenericMessage<>(payload, new LeanHeaders(headers));
	}

	private static final class LeanHeaders extends MessageHeaders {

		private static final long serialVersionUID = 1L;

		LeanHeaders(Map<String, Object> headers) {
			super(headers, ID_VALUE_NONE, -1L);
		}

	}

}
