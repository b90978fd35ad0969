package dev.portico.console;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/**
 * One Server-Sent Event, serialized once and shared by every stream that sends it.
 *
 * @param name the event name ({@code listeners}, {@code change}, {@code history}), or
 * null for a comment
 * @param id the event id: the server time of its snapshot, in milliseconds since the
 * epoch
 * @param data the JSON data, or null for a comment
 * @param comment a comment line, or null
 * @param reconnectMillis the reconnection delay to advise, or 0
 */
record ConsoleEvent(String name, String id, String data, String comment, long reconnectMillis) {

	/**
	 * What one queued event costs a stream: its text plus the SSE field names around it.
	 */
	long size() {
		return 64 + ((this.data != null) ? this.data.length() : 0)
				+ ((this.comment != null) ? this.comment.length() : 0);
	}

	static ConsoleEvent named(String name, long timeMillis, String json) {
		return new ConsoleEvent(name, Long.toString(timeMillis), json, null, 0);
	}

	static ConsoleEvent comment(String text) {
		return new ConsoleEvent(null, null, null, text, 0);
	}

	ConsoleEvent withReconnect(long millis) {
		return new ConsoleEvent(this.name, this.id, this.data, this.comment, millis);
	}

	SseEventBuilder toSse() {
		SseEventBuilder event = SseEmitter.event();
		if (this.reconnectMillis > 0) {
			event.reconnectTime(this.reconnectMillis);
		}
		if (this.comment != null) {
			event.comment(this.comment);
		}
		if (this.name != null) {
			event.id(this.id).name(this.name).data(this.data, MediaType.APPLICATION_JSON);
		}
		return event;
	}

}
