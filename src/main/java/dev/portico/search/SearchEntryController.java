package dev.portico.search;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

import dev.portico.api.ApiProblems;
import dev.portico.api.ApiProperties;
import dev.portico.api.RequestBodies;

import static dev.portico.listener.Throwables.rootMessage;

/**
 * The search index over REST. Keys are any Unicode text, percent-encoded (UTF-8) in the
 * path: {@code /api/search/entries/%F0%9F%90%B6} is the dog emoji. Keys that a path
 * segment cannot carry safely ({@code /}, {@code \}, {@code ;}, {@code %}, {@code .} or
 * {@code ..}) use the query form instead: {@code /api/search/entries?key=...}. Every
 * change is written back to the index file atomically; a failed write leaves the index
 * unchanged and answers 500.
 */
@RestController
@RequestMapping(path = "/api/search/entries", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Search index",
		description = "The entries search listeners answer from: read, add, replace and"
				+ " delete them. Keys are Unicode text, percent-encoded in the path; keys a path segment cannot carry"
				+ " (/, \\, ;, %, . or ..) use the ?key= form. Changes are written to the data directory at once.")
class SearchEntryController {

	private final SearchIndex index;

	private final ApiProperties properties;

	SearchEntryController(SearchIndex index, ApiProperties properties) {
		this.index = index;
		this.properties = properties;
	}

	/**
	 * Every entry, as one JSON object in the index's order; with {@code ?key=} one entry.
	 */
	@GetMapping
	@Operation(operationId = "listSearchEntries", summary = "List every search entry (or one, with ?key=)",
			description = "Every entry as one JSON object, key to answer, in the index's order. With ?key= the one"
					+ " entry, as GET /api/search/entries/{key} answers it.")
	@ApiResponse(responseCode = "200", description = "The entries (or the one entry)",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					examples = @ExampleObject(name = "index",
							value = "{\"morpheus\": \"Follow the white rabbit. \uD83D\uDC30\"}")))
	@ApiResponse(responseCode = "404", description = "With ?key=: no entry for this key")
	Object list(@RequestParam(required = false) String key) {
		if (key != null) {
			return get(key);
		}
		return this.index.all();
	}

	@GetMapping("/{key}")
	@Operation(operationId = "getSearchEntry", summary = "Read one search entry")
	@ApiResponse(responseCode = "200", description = "The entry")
	@ApiResponse(responseCode = "404", description = "No entry for this key")
	SearchEntry get(@PathVariable String key) {
		String value = this.index.get(key);
		if (value == null) {
			throw ApiProblems.notFound("No search entry for '" + key + "': GET /api/search/entries lists them");
		}
		return new SearchEntry(key, value);
	}

	/**
	 * Store the body, UTF-8 text unless the content type names another charset, as the
	 * value.
	 */
	@PutMapping(path = "/{key}", consumes = MediaType.TEXT_PLAIN_VALUE)
	@Operation(operationId = "putSearchEntry", summary = "Add or replace a search entry",
			description = "Stores the body as the answer for the key: UTF-8 text (unless the content type names"
					+ " another charset), or {\"value\": \"...\"} as JSON. The change is written to the data"
					+ " directory before the answer.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
					@Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"),
							examples = @ExampleObject(name = "text", value = "Take the red pill.")),
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = SearchValue.class),
							examples = @ExampleObject(name = "json", value = "{\"value\": \"Take the red pill.\"}")) }))
	@ApiResponse(responseCode = "200", description = "Replaced an entry")
	@ApiResponse(responseCode = "201", description = "Added an entry; Location names it")
	@ApiResponse(responseCode = "400", description = "Empty key, empty body, or text that is not valid in its charset")
	@ApiResponse(responseCode = "413", description = "The body is larger than portico.api.max-body-size")
	@ApiResponse(responseCode = "500",
			description = "The index file could not be written: nothing changed; the detail names the file")
	ResponseEntity<SearchEntry> putText(@PathVariable String key, HttpServletRequest request) throws IOException {
		return put(key, text(request));
	}

	/** The JSON form of {@link #putText}, described with it as one operation. */
	@PutMapping(path = "/{key}", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<SearchEntry> putJson(@PathVariable String key, @RequestBody SearchValue body) {
		return put(key, json(body));
	}

	@PutMapping(consumes = MediaType.TEXT_PLAIN_VALUE)
	@Operation(operationId = "putSearchEntryByQuery", summary = "Add or replace a search entry",
			description = "Stores the body as the answer for the key: UTF-8 text (unless the content type names"
					+ " another charset), or {\"value\": \"...\"} as JSON. The change is written to the data"
					+ " directory before the answer.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
					@Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"),
							examples = @ExampleObject(name = "text", value = "Take the red pill.")),
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = SearchValue.class),
							examples = @ExampleObject(name = "json", value = "{\"value\": \"Take the red pill.\"}")) }))
	@ApiResponse(responseCode = "200", description = "Replaced an entry")
	@ApiResponse(responseCode = "201", description = "Added an entry; Location names it")
	@ApiResponse(responseCode = "400", description = "Empty key, empty body, or text that is not valid in its charset")
	@ApiResponse(responseCode = "413", description = "The body is larger than portico.api.max-body-size")
	@ApiResponse(responseCode = "500",
			description = "The index file could not be written: nothing changed; the detail names the file")
	ResponseEntity<SearchEntry> putTextByQuery(@RequestParam String key, HttpServletRequest request)
			throws IOException {
		return put(key, text(request));
	}

	/** The JSON form of {@link #putTextByQuery}, described with it as one operation. */
	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<SearchEntry> putJsonByQuery(@RequestParam String key, @RequestBody SearchValue body) {
		return put(key, json(body));
	}

	@DeleteMapping("/{key}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "deleteSearchEntry", summary = "Delete a search entry")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "404", description = "No entry for this key")
	@ApiResponse(responseCode = "500",
			description = "The index file could not be written: nothing changed; the detail names the file")
	void delete(@PathVariable String key) {
		boolean removed;
		try {
			removed = this.index.remove(key);
		}
		catch (SearchIndexException ex) {
			throw notWritten(ex);
		}
		if (!removed) {
			throw ApiProblems.notFound("No search entry for '" + key + "'");
		}
	}

	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "deleteSearchEntryByQuery", summary = "Delete a search entry named by ?key=")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "404", description = "No entry for this key")
	@ApiResponse(responseCode = "500",
			description = "The index file could not be written: nothing changed; the detail names the file")
	void deleteByQuery(@RequestParam String key) {
		delete(key);
	}

	private ResponseEntity<SearchEntry> put(String key, String value) {
		if (key.isEmpty()) {
			throw ApiProblems.badRequest("The key is empty");
		}
		boolean created;
		try {
			created = this.index.put(key, value);
		}
		catch (SearchIndexException ex) {
			throw notWritten(ex);
		}
		SearchEntry entry = new SearchEntry(key, value);
		if (created) {
			return ResponseEntity
				.created(URI.create("/api/search/entries/" + UriUtils.encodePathSegment(key, StandardCharsets.UTF_8)))
				.body(entry);
		}
		return ResponseEntity.ok(entry);
	}

	/**
	 * The body as text: UTF-8 unless the content type names another charset; malformed
	 * text is a 400.
	 */
	private String text(HttpServletRequest request) throws IOException {
		byte[] body = RequestBodies.read(request, this.properties.maxBodySize().toBytes());
		Charset charset = StandardCharsets.UTF_8;
		String contentType = request.getContentType();
		if (contentType != null) {
			Charset declared = MediaType.parseMediaType(contentType).getCharset();
			charset = (declared != null) ? declared : charset;
		}
		try {
			return charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw ApiProblems.badRequest("The body is not valid " + charset.name()
					+ " text: send the answer as text in that charset (UTF-8 unless the content type names another)");
		}
	}

	private static String json(SearchValue body) {
		if (body == null || body.value() == null) {
			throw ApiProblems.badRequest("Send {\"value\": \"<answer>\"} as JSON, or the answer itself as text/plain");
		}
		return body.value();
	}

	private static ErrorResponseException notWritten(SearchIndexException ex) {
		return ApiProblems.of(HttpStatus.INTERNAL_SERVER_ERROR,
				"The search index file " + ex.getFile() + " could not be written, so nothing changed: "
						+ rootMessage(ex) + ". Check that its directory exists and is writable, then retry.",
				Map.of("file", String.valueOf(ex.getFile())));
	}

}
