package dev.portico.cli.support;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.portico.protocol.PythonJson;
import dev.portico.protocol.SearchFrameEncoder;
import dev.portico.protocol.SearchMessage;

/** The requests the reference client sends, framed with the search codec. */
public final class SearchRequests {

	/** The content type of the reference client's binary requests. */
	public static final String CLIENT_BINARY_TYPE = "binary/custom-client-binary-type";

	private SearchRequests() {
	}

	/** A JSON request {@code {"action": ..., "value": ...}}, framed. */
	public static byte[] json(String action, String value) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("action", action);
		request.put("value", value);
		return SearchFrameEncoder.encode(SearchMessage.json(PythonJson.write(request)));
	}

	/** A binary request with the reference client's content type, framed. */
	public static byte[] binary(byte[] content) {
		return SearchFrameEncoder.encode(SearchMessage.of(CLIENT_BINARY_TYPE, "binary", content));
	}

	/**
	 * The exact content of a JSON answer {@code {"result": ...}}, as the reference server
	 * writes it.
	 */
	public static byte[] result(String answer) {
		return PythonJson.write(Map.of("result", answer)).getBytes(StandardCharsets.UTF_8);
	}

}
