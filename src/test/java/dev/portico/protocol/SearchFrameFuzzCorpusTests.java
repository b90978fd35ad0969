package dev.portico.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.portico.protocol.SearchFrameFuzzTests.Outcome;
import dev.portico.protocol.SearchFrameFuzzTests.Splits;
import dev.portico.protocol.SearchProtocolException.Kind;
import dev.portico.search.SearchResponder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the seed corpus of {@link SearchFrameFuzzTests} holds what its file names
 * say (a seed that no longer reaches its error would still pass the fuzz test's agreement
 * check).
 */
class SearchFrameFuzzCorpusTests {

	private static final String DIR = "SearchFrameFuzzTestsInputs/shouldDecodeAlikeWhenBytesArriveInAnySplit/";

	static Stream<Arguments> seeds() {
		Map<String, Object> expected = new LinkedHashMap<>();
		expected.put("request-morpheus", 1);
		expected.put("request-morpheus-byte-by-byte", 1);
		expected.put("request-ring", 1);
		expected.put("request-dog-emoji", 1);
		expected.put("request-miss", 1);
		expected.put("request-invalid-action", 1);
		expected.put("request-binary", 1);
		expected.put("request-binary-empty", 1);
		expected.put("request-utf16", 1);
		expected.put("request-latin1", 1);
		expected.put("request-content-at-max", 1);
		expected.put("pipelined-three", 3);
		expected.put("pipelined-three-odd-pieces", 3);
		expected.put("extra-header-keys", 1);
		expected.put("empty-stream", 0);
		expected.put("pipelined-good-then-bad", Kind.ZERO_HEADER_LENGTH);
		expected.put("zero-header-length", Kind.ZERO_HEADER_LENGTH);
		expected.put("truncated-in-prefix", Kind.TRUNCATED_FRAME);
		expected.put("truncated-in-header", Kind.TRUNCATED_FRAME);
		expected.put("truncated-in-content", Kind.TRUNCATED_FRAME);
		expected.put("truncated-in-content-byte-by-byte", Kind.TRUNCATED_FRAME);
		expected.put("header-longer-than-stream", Kind.TRUNCATED_FRAME);
		expected.put("header-not-utf8", Kind.HEADER_NOT_UTF8);
		expected.put("header-overlong-utf8", Kind.HEADER_NOT_UTF8);
		expected.put("header-lone-surrogate-utf8", Kind.HEADER_NOT_UTF8);
		expected.put("header-not-json", Kind.HEADER_NOT_JSON);
		expected.put("header-trailing-data", Kind.HEADER_NOT_JSON);
		expected.put("header-blank", Kind.HEADER_NOT_JSON);
		expected.put("header-deeply-nested", Kind.HEADER_NOT_JSON);
		expected.put("header-array", Kind.HEADER_NOT_OBJECT);
		expected.put("header-string", Kind.HEADER_NOT_OBJECT);
		expected.put("missing-byteorder", Kind.MISSING_HEADER);
		expected.put("missing-content-type", Kind.MISSING_HEADER);
		expected.put("missing-content-encoding", Kind.MISSING_HEADER);
		expected.put("missing-content-length", Kind.MISSING_HEADER);
		expected.put("content-type-not-string", Kind.INVALID_HEADER);
		expected.put("content-length-negative", Kind.INVALID_CONTENT_LENGTH);
		expected.put("content-length-fractional", Kind.INVALID_CONTENT_LENGTH);
		expected.put("content-length-exponent", Kind.INVALID_CONTENT_LENGTH);
		expected.put("content-length-string", Kind.INVALID_CONTENT_LENGTH);
		expected.put("content-length-null", Kind.INVALID_CONTENT_LENGTH);
		expected.put("content-length-over-max", Kind.CONTENT_TOO_LARGE);
		expected.put("content-length-over-default-max", Kind.CONTENT_TOO_LARGE);
		expected.put("content-length-2-pow-31", Kind.CONTENT_TOO_LARGE);
		expected.put("content-length-10-pow-12", Kind.CONTENT_TOO_LARGE);
		expected.put("content-length-huge", Kind.CONTENT_TOO_LARGE);
		expected.put("unknown-charset", Kind.UNKNOWN_CHARSET);
		expected.put("illegal-charset-name", Kind.UNKNOWN_CHARSET);
		expected.put("empty-charset-name", Kind.UNKNOWN_CHARSET);
		expected.put("content-not-json", Kind.CONTENT_NOT_JSON);
		expected.put("content-empty-json", Kind.CONTENT_NOT_JSON);
		expected.put("content-array", Kind.CONTENT_NOT_OBJECT);
		expected.put("content-string", Kind.CONTENT_NOT_OBJECT);
		expected.put("content-not-utf8", Kind.CONTENT_NOT_DECODABLE);
		expected.put("content-not-request", 1);
		return expected.entrySet().stream().map((entry) -> Arguments.of(entry.getKey(), entry.getValue()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("seeds")
	void shouldDecodeSeedAsItsNameSaysWhenReplayed(String name, Object expected) throws IOException {
		Splits splits = Splits.ofSeed(getClass(), DIR + name);
		Outcome incremental = SearchFrameFuzzTests.decodeIncrementally(splits.payload(), splits);
		Outcome whole = SearchFrameFuzzTests.decodeWhole(splits.payload());
		assertThat(whole).isEqualTo(incremental);
		if (expected instanceof Kind kind) {
			assertThat(incremental.failure()).isEqualTo(kind);
		}
		else {
			assertThat(incremental.failure()).isNull();
			assertThat(incremental.messages()).hasSize((Integer) expected);
		}
	}

	@Test
	void shouldAnswerPipelinedRequestsInOrderWhenReplayed() throws IOException {
		byte[] data;
		try (InputStream in = getClass().getResourceAsStream(DIR + "pipelined-three")) {
			data = in.readAllBytes();
		}
		Splits splits = Splits.of(data);
		List<SearchMessage> messages = SearchFrameFuzzTests.decodeIncrementally(splits.payload(), splits).messages();
		SearchResponder responder = new SearchResponder(Map.of("morpheus", "rabbit", "ring", "caves")::get);
		assertThat(messages)
			.extracting((message) -> new String(responder.reply(message).message().content(), StandardCharsets.UTF_8))
			.containsExactly("{\"result\": \"rabbit\"}", "{\"result\": \"caves\"}",
					"{\"result\": \"No match for '\uD83D\uDC36'.\"}");
	}

}
