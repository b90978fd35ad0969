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

import org.springframework.beans.factory.ObjectProvider;
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
 * unchanged and answers 500. Changes go through the {@link SearchIndexStore} (the file by
 * default, Redis in cluster mode); reads always come from the in-memory index.
 */
@RestController
@RequestMapping(path = "/api/search/entries", produces = MediaType.APPLICATION_JSON_VALUE)
class SearchEntryController {

	private final SearchIndex index;

	private final SearchIndexStore store;

	private final ApiProperties properties;

	SearchEntryController(SearchIndex index, ObjectProvider<SearchIndexStore> stores, ApiProperties properties) {
		this.index = index;
		// the index itself is a store too: take another one only if there is one
		this.store = stores.orderedStream().filter((store) -> store != index).findFirst().orElse(index);
		this.properties = properties;
	}

	/**
	 * Every entry, as one JSON object in the index's order; with {@code ?key=} one entry.
	 */
	@GetMapping
	Object list(@RequestParam(required = false) String key) {
		if (key != null) {
			return get(key);
		}
		return this.index.all();
	}

	@GetMapping("/{key}")
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
	ResponseEntity<SearchEntry> putText(@PathVariable String key, HttpServletRequest request) throws IOException {
		return put(key, text(request));
	}

	@PutMapping(path = "/{key}", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<SearchEntry> putJson(@PathVariable String key, @RequestBody SearchValue body) {
		return put(key, json(body));
	}

	@PutMapping(consumes = MediaType.TEXT_PLAIN_VALUE)
	ResponseEntity<SearchEntry> putTextByQuery(@RequestParam String key, HttpServletRequest request)
			throws IOException {
		return put(key, text(request));
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<SearchEntry> putJsonByQuery(@RequestParam String key, @RequestBody SearchValue body) {
		return put(key, json(body));
	}

	@DeleteMapping("/{key}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String key) {
		boolean removed;
		try {
			removed = this.store.remove(key);
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
	void deleteByQuery(@RequestParam String key) {
		delete(key);
	}

	private ResponseEntity<SearchEntry> put(String key, String value) {
		if (key.isEmpty()) {
			throw ApiProblems.badRequest("The key is empty");
		}
		boolean created;
		try {
			created = this.store.put(key, value);
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
