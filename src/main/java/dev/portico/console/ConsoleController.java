package dev.portico.console;

import java.util.function.Supplier;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's own API: the live event stream and what the page needs to know first. The
 * page itself is a static resource ({@code static/index.html}).
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleController {

	private final ConsoleEvents events;

	private final Supplier<ConsoleInfo> info;

	ConsoleController(ConsoleEvents events, Supplier<ConsoleInfo> consoleInfo) {
		this.events = events;
		this.info = consoleInfo;
	}

	/**
	 * Server-Sent Events: {@code history} first, then {@code listeners} (every listener's
	 * figures, as {@code GET /api/listeners} shows them) once per interval,
	 * {@code change} (batched state and connection changes) when something changed, and
	 * comment pings.
	 */
	@GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<SseEmitter> events() {
		SseEmitter emitter = this.events.subscribe();
		// a proxy that buffers (nginx does by default) would hold events back: ask it not
		// to
		return ResponseEntity.ok().cacheControl(CacheControl.noCache()).header("X-Accel-Buffering", "no").body(emitter);
	}

	@GetMapping(path = "/api/console", produces = MediaType.APPLICATION_JSON_VALUE)
	ConsoleInfo info() {
		return this.info.get();
	}

}
