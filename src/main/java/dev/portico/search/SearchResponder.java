package dev.portico.search;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

import dev.portico.protocol.PythonJson;
import dev.portico.protocol.SearchJson;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.protocol.SearchProtocolException.Kind;
import dev.portico.search.SearchDecodeResult.Bad;
import dev.portico.search.SearchDecodeResult.Ok;

/**
 * The search protocol's request logic, as the reference server answers: a JSON
 * {@code {"action": "search", "value": q}} gets {@code {"result": answer}}, any other
 * content-type gets its first 10 bytes echoed in a binary response.
 *
 * <p>
 * Where the reference server answers oddly, Portico answers an error frame (and the
 * listener closes): a missing or non-string {@code "action"} (the reference says
 * {@code Error: invalid action 'None'.}), and a {@code "search"} without a string
 * {@code "value"} (the reference says {@code No match for 'None'.}). A present but empty
 * index entry is returned as it is (the reference's {@code or} would report it as no
 * match).
 */
public final class SearchResponder {

	/** The content-type of binary responses. */
	public static final String BINARY_RESPONSE_TYPE = "binary/custom-server-binary-type";

	/** The content-encoding of binary responses. */
	public static final String BINARY_ENCODING = "binary";

	private static final byte[] BINARY_PREFIX = "First 10 bytes of request: ".getBytes(StandardCharsets.US_ASCII);

	private static final int ECHOED_BYTES = 10;

	private final Function<String, String> index;

	/**
	 * @param index looks a query up, returning the entry or {@code null} for no match
	 */
	public SearchResponder(Function<String, String> index) {
		this.index = Objects.requireNonNull(index, "index");
	}

	/**
	 * The response to one good request.
	 * @param request the decoded request
	 * @return the response
	 * @throws SearchProtocolException if JSON content is not a usable request
	 */
	public SearchMessage respond(SearchMessage request) throws SearchProtocolException {
		if (!request.isJson()) {
			byte[] content = request.content();
			byte[] echoed = Arrays.copyOf(BINARY_PREFIX, BINARY_PREFIX.length + Math.min(ECHOED_BYTES, content.length));
			System.arraycopy(content, 0, echoed, BINARY_PREFIX.length, echoed.length - BINARY_PREFIX.length);
			return SearchMessage.of(BINARY_RESPONSE_TYPE, BINARY_ENCODING, echoed);
		}
		JsonNode object = SearchJson.contentObject(request);
		JsonNode action = object.get("action");
		if (action == null || !action.isString()) {
			throw new SearchProtocolException(Kind.INVALID_REQUEST, "request needs a string 'action', got "
					+ ((action == null) ? "none" : SearchJson.describe(action)));
		}
		if (!"search".equals(action.stringValue())) {
			return result("Error: invalid action '" + action.stringValue() + "'.");
		}
		JsonNode value = object.get("value");
		if (value == null || !value.isString()) {
			throw new SearchProtocolException(Kind.INVALID_REQUEST,
					"search needs a string 'value', got " + ((value == null) ? "none" : SearchJson.describe(value)));
		}
		String query = value.stringValue();
		String answer = this.index.apply(query);
		return result((answer != null) ? answer : "No match for '" + query + "'.");
	}

	/**
	 * What to do with the outcome of a blocking read: answer a good request; answer a
	 * refused frame or an unusable request with an error frame and close. Never throws
	 * for bad input.
	 * @param decoded the outcome of {@link SearchFrameSerializer#deserialize}
	 * @return the reply
	 */
	public SearchReply reply(SearchDecodeResult decoded) {
		if (decoded instanceof Ok ok) {
			return reply(ok.message());
		}
		Bad bad = (Bad) decoded;
		return new SearchReply(bad.canFrameReply() ? error(bad.detail()) : null, true, bad.kind());
	}

	/**
	 * What to do with a decoded request: its answer, or an error frame and close.
	 * @param request the decoded request
	 * @return the reply
	 */
	public SearchReply reply(SearchMessage request) {
		try {
			return SearchReply.answer(respond(request));
		}
		catch (SearchProtocolException ex) {
			return failure(ex);
		}
	}

	/**
	 * The reply to a refused frame or request: an error frame when one can be sent, and
	 * close.
	 * @param failure what was wrong
	 * @return the reply
	 */
	public static SearchReply failure(SearchProtocolException failure) {
		return new SearchReply(failure.getKind().canReply() ? error(failure.getMessage()) : null, true,
				failure.getKind());
	}

	/**
	 * A JSON response {@code {"result": result}}.
	 * @param result the answer text
	 * @return the response
	 */
	public static SearchMessage result(String result) {
		return SearchMessage.json(PythonJson.write(Map.of("result", result)));
	}

	/**
	 * A JSON response {@code {"error": detail}}.
	 * @param detail what was wrong
	 * @return the response
	 */
	public static SearchMessage error(String detail) {
		return SearchMessage.json(PythonJson.write(Map.of("error", detail)));
	}

}
