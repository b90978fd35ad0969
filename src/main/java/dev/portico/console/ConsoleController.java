package dev.portico.console;

import java.util.function.Supplier;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

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
@Tag(name = "Console", description = "What the web console at / reads: the live event stream of every listener's"
		+ " figures and changes, and the settings the page needs first.")
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
	@Operation(operationId = "events", summary = "Follow every listener live (Server-Sent Events)",
			description = "Events: history (the last minutes of figures), then listeners (every listener as"
					+ " GET /api/listeners shows it) once a second, change (batched state and connection changes)"
					+ " and comment pings. A client that stops reading is dropped; past portico.console.max-streams"
					+ " open streams the answer is 503 with Retry-After.")
	@ApiResponse(responseCode = "200", description = "The event stream")
	@ApiResponse(responseCode = "503", description = "Too many open event streams: retry later",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(ref = "#/components/schemas/ProblemDetail")))
	ResponseEntity<SseEmitter> events() {
		SseEmitter emitter = this.events.subscribe();
		// a proxy that buffers (nginx does by default) would hold events back: ask it not
		// to
		return ResponseEntity.ok().cacheControl(CacheControl.noCache()).header("X-Accel-Buffering", "no").body(emitter);
	}

	@GetMapping(path = "/api/console", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "consoleInfo", summary = "What the console needs to know first",
			description = "Whether reads are open, whether cluster mode is on, the event interval and how much"
					+ " history the charts keep.")
	@ApiResponse(responseCode = "200", description = "The console's settings")
	ConsoleInfo info() {
		return this.info.get();
	}

}
