package dev.portico.search;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchFrameEncoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException;
import dev.portico.protocol.SearchProtocolException.Kind;

import static dev.portico.protocol.SearchTestFrames.MORPHEUS_REQUEST;
import static dev.portico.protocol.SearchTestFrames.ascii;
import static dev.portico.protocol.SearchTestFrames.concat;
import static dev.portico.protocol.SearchTestFrames.frame;
import static dev.portico.protocol.SearchTestFrames.header;
import static dev.portico.protocol.SearchTestFrames.hex;
import static dev.portico.protocol.SearchTestFrames.jsonRequest;
import static dev.portico.protocol.SearchTestFrames.searchRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The expected responses below are written out by hand from the protocol rules and were
 * checked against the reference Python server's bytes on a little-endian machine.
 */
class SearchResponderTests {

	/** The 103-byte JSON response header for a given two-digit content length. */
	private static byte[] jsonResponseHeader(int contentLength) {
		return concat(hex("0067"), ascii("{\"byteorder\": \"little\", \"content-type\": \"text/json\", "
				+ "\"content-encoding\": \"utf-8\", \"content-length\": " + contentLength + "}"));
	}

	/** The 127-byte binary response header for a given two-digit content length. */
	private static byte[] binaryResponseHeader(int contentLength) {
		return concat(hex("007f"),
				ascii("{\"byteorder\": \"little\", \"content-type\": "
						+ "\"binary/custom-server-binary-type\", \"content-encoding\": \"binary\", \"content-length\": "
						+ contentLength + "}"));
	}

	private final SearchResponder responder = new SearchResponder(defaultIndex()::get);

	private static Map<String, String> defaultIndex() {
		Map<String, String> index = new LinkedHashMap<>();
		index.put("morpheus", "Follow the white rabbit. \uD83D\uDC30");
		index.put("ring", "In the caves beneath the Misty Mountains. \uD83D\uDC8D");
		index.put("\uD83D\uDC36", "\uD83D\uDC3E Playing ball! \uD83C\uDFD0");
		return index;
	}

	@BeforeAll
	static void littleEndianOnly() {
		assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "expected bytes are for little-endian JVMs");
	}

	private byte[] respond(byte[] request) throws SearchProtocolException {
		List<SearchMessage> requests = new SearchFrameDecoder().decode(ByteBuffer.wrap(request));
		assertThat(requests).hasSize(1);
		return SearchFrameEncoder.encode(this.responder.respond(requests.get(0)));
	}

	@Test
	void shouldAnswerExactBytesWhenSearchingMorpheus() throws Exception {
		byte[] expected = concat(jsonResponseHeader(43), ascii("{\"result\": \"Follow the white rabbit. "),
				hex("f0 9f 90 b0"), ascii("\"}"));
		assertThat(respond(MORPHEUS_REQUEST)).isEqualTo(expected);
		assertThat(expected).hasSize(148);
	}

	@Test
	void shouldAnswerExactBytesWhenSearchingRing() throws Exception {
		byte[] expected = concat(jsonResponseHeader(60),
				ascii("{\"result\": \"In the caves beneath the Misty Mountains. "), hex("f0 9f 92 8d"), ascii("\"}"));
		assertThat(respond(searchRequest("ring"))).isEqualTo(expected);
		assertThat(expected).hasSize(165);
	}

	@Test
	void shouldAnswerExactBytesWhenSearchingDogEmoji() throws Exception {
		// {"action": "search", "value": "\U0001f436"} with the emoji as raw UTF-8
		byte[] request = jsonRequest(
				concat(ascii("{\"action\": \"search\", \"value\": \""), hex("f0 9f 90 b6"), ascii("\"}")));
		byte[] expected = concat(jsonResponseHeader(37), ascii("{\"result\": \""), hex("f0 9f 90 be"),
				ascii(" Playing ball! "), hex("f0 9f 8f 90"), ascii("\"}"));
		assertThat(respond(request)).isEqualTo(expected);
	}

	@Test
	void shouldAnswerDogEmojiWhenQueryIsEscapedInRequest() throws Exception {
		byte[] request = jsonRequest(ascii("{\"action\": \"search\", \"value\": \"\\ud83d\\udc36\"}"));
		byte[] expected = concat(jsonResponseHeader(37), ascii("{\"result\": \""), hex("f0 9f 90 be"),
				ascii(" Playing ball! "), hex("f0 9f 8f 90"), ascii("\"}"));
		assertThat(respond(request)).isEqualTo(expected);
	}

	@Test
	void shouldAnswerNoMatchWhenQueryIsMissing() throws Exception {
		byte[] expected = concat(jsonResponseHeader(37), ascii("{\"result\": \"No match for 'nothing'.\"}"));
		assertThat(respond(searchRequest("nothing"))).isEqualTo(expected);
	}

	@Test
	void shouldAnswerInvalidActionWhenActionIsNotSearch() throws Exception {
		byte[] request = jsonRequest(ascii("{\"action\": \"find\", \"value\": \"x\"}"));
		byte[] expected = concat(jsonResponseHeader(43), ascii("{\"result\": \"Error: invalid action 'find'.\"}"));
		assertThat(respond(request)).isEqualTo(expected);
	}

	@Test
	void shouldEchoFirstTenBytesWhenRequestIsBinary() throws Exception {
		byte[] request = frame(header("binary/custom-client-binary-type", "binary", 14), ascii("searchmorpheus"));
		byte[] expected = concat(binaryResponseHeader(37), ascii("First 10 bytes of request: searchmorp"));
		assertThat(respond(request)).isEqualTo(expected);
	}

	@Test
	void shouldEchoAllBytesWhenBinaryRequestIsShorterThanTen() throws Exception {
		byte[] request = frame(header("binary/x", "binary", 3), hex("00 ff 0a"));
		byte[] expected = concat(binaryResponseHeader(30), ascii("First 10 bytes of request: "), hex("00 ff 0a"));
		assertThat(respond(request)).isEqualTo(expected);
	}

	@Test
	void shouldTreatTextPlainAsBinaryWhenContentTypeIsNotTextJson() throws Exception {
		byte[] request = frame(header("text/plain", "utf-8", 4), ascii("ring"));
		byte[] expected = concat(binaryResponseHeader(31), ascii("First 10 bytes of request: ring"));
		assertThat(respond(request)).isEqualTo(expected);
	}

	@Test
	void shouldEscapeLikePythonWhenQueryHoldsSpecialCharacters() throws Exception {
		// value: a " b \ c newline tab U+0001 U+007F U+2028 e-acute
		byte[] content = concat(ascii("{\"action\": \"search\", \"value\": \"a\\\"b\\\\c\\n\\t\\u0001"), hex("7f"),
				hex("e2 80 a8"), hex("c3 a9"), ascii("\"}"));
		byte[] expected = concat(jsonResponseHeader(53), ascii("{\"result\": \"No match for 'a\\\"b\\\\c\\n\\t\\u0001"),
				hex("7f e2 80 a8 c3 a9"), ascii("'.\"}"));
		assertThat(respond(jsonRequest(content))).isEqualTo(expected);
	}

	@Test
	void shouldAnswerStoredEntryWhenItIsEmpty() throws Exception {
		SearchResponder withEmpty = new SearchResponder(Map.of("blank", "")::get);
		SearchMessage response = withEmpty
			.respond(new SearchFrameDecoder().decode(ByteBuffer.wrap(searchRequest("blank"))).get(0));
		assertThat(response.content()).isEqualTo(ascii("{\"result\": \"\"}"));
	}

	@Test
	void shouldAnswerErrorFrameAndCloseWhenActionIsMissing() throws Exception {
		SearchReply reply = reply(jsonRequest(ascii("{\"value\": \"ring\"}")));
		assertThat(reply.close()).isTrue();
		assertThat(reply.error()).isEqualTo(Kind.INVALID_REQUEST);
		assertThat(SearchFrameEncoder.encode(reply.message())).isEqualTo(
				concat(jsonResponseHeader(54), ascii("{\"error\": \"request needs a string 'action', got none\"}")));
	}

	@Test
	void shouldAnswerErrorFrameWhenValueIsNotAString() throws Exception {
		SearchReply reply = reply(jsonRequest(ascii("{\"action\": \"search\", \"value\": 5}")));
		assertThat(reply.isError()).isTrue();
		assertThat(reply.message().content())
			.isEqualTo(ascii("{\"error\": \"search needs a string 'value', got a number\"}"));
		assertThat(reply(jsonRequest(ascii("{\"action\": \"search\"}"))).message().content())
			.isEqualTo(ascii("{\"error\": \"search needs a string 'value', got none\"}"));
	}

	@Test
	void shouldAnswerWithoutClosingWhenRequestIsGood() throws Exception {
		SearchReply reply = reply(MORPHEUS_REQUEST);
		assertThat(reply.close()).isFalse();
		assertThat(reply.isError()).isFalse();
	}

	@Test
	void shouldAnswerErrorFrameWhenDecodeResultIsBad() {
		SearchReply reply = this.responder
			.reply(SearchDecodeResult.bad(new SearchProtocolException(Kind.ZERO_HEADER_LENGTH, "header length is 0")));
		assertThat(reply.close()).isTrue();
		assertThat(SearchFrameEncoder.encode(reply.message()))
			.isEqualTo(concat(jsonResponseHeader(31), ascii("{\"error\": \"header length is 0\"}")));
	}

	@Test
	void shouldCloseWithoutAnswerWhenFrameWasTruncated() {
		SearchReply reply = this.responder
			.reply(SearchDecodeResult.bad(new SearchProtocolException(Kind.TRUNCATED_FRAME, "cut")));
		assertThat(reply.close()).isTrue();
		assertThat(reply.message()).isNull();
		assertThat(reply.error()).isEqualTo(Kind.TRUNCATED_FRAME);
	}

	private SearchReply reply(byte[] request) throws SearchProtocolException {
		return this.responder
			.reply(SearchDecodeResult.ok(new SearchFrameDecoder().decode(ByteBuffer.wrap(request)).get(0)));
	}

}
