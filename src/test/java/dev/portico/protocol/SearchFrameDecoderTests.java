package dev.portico.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.portico.protocol.SearchProtocolException.Kind;
import dev.portico.search.SearchResponder;

import static dev.portico.protocol.SearchTestFrames.MORPHEUS_REQUEST;
import static dev.portico.protocol.SearchTestFrames.ascii;
import static dev.portico.protocol.SearchTestFrames.concat;
import static dev.portico.protocol.SearchTestFrames.frame;
import static dev.portico.protocol.SearchTestFrames.header;
import static dev.portico.protocol.SearchTestFrames.hex;
import static dev.portico.protocol.SearchTestFrames.jsonRequest;
import static dev.portico.protocol.SearchTestFrames.searchRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SearchFrameDecoderTests {

	private static final byte[] MORPHEUS_CONTENT = ascii("{\"action\": \"search\", \"value\": \"morpheus\"}");

	@Test
	void shouldDecodeRequestWhenWrittenOutByHand() throws Exception {
		List<SearchMessage> messages = new SearchFrameDecoder().decode(MORPHEUS_REQUEST, 0, MORPHEUS_REQUEST.length);

		assertThat(messages).hasSize(1);
		SearchMessage message = messages.get(0);
		assertThat(message.byteorder()).isEqualTo("little");
		assertThat(message.contentType()).isEqualTo("text/json");
		assertThat(message.contentEncoding()).isEqualTo("utf-8");
		assertThat(message.content()).isEqualTo(MORPHEUS_CONTENT);
		assertThat(message.header()).containsExactly(Map.entry("byteorder", "little"),
				Map.entry("content-type", "text/json"), Map.entry("content-encoding", "utf-8"),
				Map.entry("content-length", 41));
		assertThat(message.isJson()).isTrue();
	}

	@Test
	void shouldDecodeOneRequestWhenSplitAtEveryByteBoundary() throws Exception {
		for (int split = 0; split <= MORPHEUS_REQUEST.length; split++) {
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			List<SearchMessage> messages = new ArrayList<>();
			decoder.decode(MORPHEUS_REQUEST, 0, split, messages::add);
			assertThat(messages).as("after %d bytes", split).hasSize((split == MORPHEUS_REQUEST.length) ? 1 : 0);
			assertThat(decoder.isAtFrameBoundary()).isEqualTo(split == 0 || split == MORPHEUS_REQUEST.length);
			decoder.decode(MORPHEUS_REQUEST, split, MORPHEUS_REQUEST.length - split, messages::add);
			assertThat(messages).as("split at %d", split).hasSize(1);
			assertThat(messages.get(0).content()).isEqualTo(MORPHEUS_CONTENT);
			assertThat(decoder.isAtFrameBoundary()).isTrue();
			assertThatNoException().isThrownBy(decoder::endOfStream);
		}
	}

	@Test
	void shouldDecodeOneRequestWhenFedOneByteAtATime() throws Exception {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		List<SearchMessage> messages = new ArrayList<>();
		for (int i = 0; i < MORPHEUS_REQUEST.length; i++) {
			assertThat(decoder.getBufferedBytes()).isEqualTo(i);
			decoder.decode(ByteBuffer.wrap(MORPHEUS_REQUEST, i, 1), messages::add);
		}
		assertThat(messages).hasSize(1);
		assertThat(messages.get(0).content()).isEqualTo(MORPHEUS_CONTENT);
		assertThat(decoder.getBufferedBytes()).isZero();
	}

	@Test
	void shouldDecodeThreeRequestsInOrderWhenTheyArriveInOneRead() throws Exception {
		byte[] binary = frame(header("binary/custom-client-binary-type", "binary", 4), hex("00 ff 0a 0d"));
		byte[] empty = frame(header("binary/x", "binary", 0), new byte[0]);
		byte[] all = concat(MORPHEUS_REQUEST, binary, empty);

		List<SearchMessage> messages = new SearchFrameDecoder().decode(ByteBuffer.wrap(all));

		assertThat(messages).extracting(SearchMessage::contentType)
			.containsExactly("text/json", "binary/custom-client-binary-type", "binary/x");
		assertThat(messages.get(1).content()).isEqualTo(hex("00 ff 0a 0d"));
		assertThat(messages.get(2).content()).isEmpty();
	}

	@Test
	void shouldDecodeThreeRequestsWhenSplitAtEveryByteBoundary() throws Exception {
		byte[] all = concat(searchRequest("ring"), MORPHEUS_REQUEST, searchRequest("x"));
		for (int split = 0; split <= all.length; split++) {
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			List<SearchMessage> messages = new ArrayList<>();
			decoder.decode(all, 0, split, messages::add);
			decoder.decode(all, split, all.length - split, messages::add);
			assertThat(messages).as("split at %d", split).hasSize(3);
			assertThat(messages.get(1).content()).isEqualTo(MORPHEUS_CONTENT);
		}
	}

	@Test
	void shouldDecodeNonAsciiJsonWhenContentIsUtf8() throws Exception {
		// {"action": "search", "value": "<U+1F436>"}
		byte[] content = concat(ascii("{\"action\": \"search\", \"value\": \""), hex("f0 9f 90 b6"), ascii("\"}"));
		List<SearchMessage> messages = new SearchFrameDecoder().decode(ByteBuffer.wrap(jsonRequest(content)));
		assertThat(messages).singleElement().extracting(SearchMessage::content).isEqualTo(content);
	}

	@Test
	void shouldAcceptLatin1ContentWhenEncodingUsesPythonSpelling() throws Exception {
		byte[] content = concat(ascii("{\"action\": \"search\", \"value\": \"caf"), hex("e9"), ascii("\"}"));
		byte[] request = frame(header("text/json", "latin-1", content.length), content);
		assertThat(new SearchFrameDecoder().decode(ByteBuffer.wrap(request))).hasSize(1);
	}

	@Test
	void shouldFailAtOnceWhenHeaderLengthIsZero() {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		SearchProtocolException ex = catchThrowableOfType(SearchProtocolException.class,
				() -> decoder.decode(hex("0000"), 0, 2));
		assertThat(ex.getKind()).isEqualTo(Kind.ZERO_HEADER_LENGTH);
		assertThat(ex.getMessage()).isEqualTo("header length is 0");
	}

	@Test
	void shouldEndCleanlyWhenStreamClosesBetweenFrames() throws Exception {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		assertThatNoException().isThrownBy(decoder::endOfStream);
		decoder.decode(ByteBuffer.wrap(concat(MORPHEUS_REQUEST, MORPHEUS_REQUEST)));
		assertThatNoException().isThrownBy(decoder::endOfStream);
	}

	@Test
	void shouldReportTruncatedFrameWhenStreamClosesInsideAFrame() throws Exception {
		for (int length = 1; length < MORPHEUS_REQUEST.length; length++) {
			SearchFrameDecoder decoder = new SearchFrameDecoder();
			decoder.decode(MORPHEUS_REQUEST, 0, length);
			SearchProtocolException ex = catchThrowableOfType(SearchProtocolException.class, decoder::endOfStream);
			assertThat(ex).as("closed after %d bytes", length).isNotNull();
			assertThat(ex.getKind()).isEqualTo(Kind.TRUNCATED_FRAME);
			assertThat(ex.getKind().canReply()).isFalse();
		}
	}

	@Test
	void shouldNameTheSectionWhenStreamClosesInsideAFrame() throws Exception {
		assertThat(truncatedAfter(1)).isEqualTo("stream ended inside a frame, in the 2-byte header length");
		assertThat(truncatedAfter(12)).isEqualTo("stream ended inside a frame, after 10 of 103 header bytes");
		assertThat(truncatedAfter(2 + 103 + 40)).isEqualTo("stream ended inside a frame, after 40 of 41 content bytes");
	}

	private static String truncatedAfter(int length) throws SearchProtocolException {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		decoder.decode(MORPHEUS_REQUEST, 0, length);
		return catchThrowableOfType(SearchProtocolException.class, decoder::endOfStream).getMessage();
	}

	@Test
	void shouldRefuseOversizedContentWhenHeaderCompletesWithoutWaitingForContent() throws Exception {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		byte[] frameStart = frame(header("binary/x", "binary", 1048577), new byte[0]);
		// Everything but the header's last byte: nothing to refuse yet.
		decoder.decode(frameStart, 0, frameStart.length - 1);
		SearchProtocolException ex = catchThrowableOfType(SearchProtocolException.class,
				() -> decoder.decode(frameStart, frameStart.length - 1, 1));
		assertThat(ex.getKind()).isEqualTo(Kind.CONTENT_TOO_LARGE);
		assertThat(ex.getMessage()).isEqualTo("content-length 1048577 exceeds the maximum of 1048576");
	}

	@Test
	void shouldAcceptContentOfExactlyTheMaximumWhenConfigured() throws Exception {
		SearchFrameDecoder decoder = new SearchFrameDecoder(4);
		assertThat(decoder.decode(ByteBuffer.wrap(frame(header("b", "binary", 4), hex("01020304"))))).hasSize(1);
		assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(frame(header("b", "binary", 5), hex("0102030405")))))
			.isInstanceOfSatisfying(SearchProtocolException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(Kind.CONTENT_TOO_LARGE));
	}

	@Test
	void shouldKeepFailingWhenFedMoreBytesAfterAnError() {
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		SearchProtocolException first = catchThrowableOfType(SearchProtocolException.class,
				() -> decoder.decode(hex("0000"), 0, 2));
		assertThat(catchThrowableOfType(SearchProtocolException.class,
				() -> decoder.decode(MORPHEUS_REQUEST, 0, MORPHEUS_REQUEST.length)))
			.isSameAs(first);
		assertThat(catchThrowableOfType(SearchProtocolException.class, decoder::endOfStream)).isSameAs(first);
		assertThat(decoder.isAtFrameBoundary()).isFalse();
	}

	@Test
	void shouldHandOutGoodMessagesBeforeFailingWhenABadFrameFollowsThem() throws Exception {
		byte[] input = concat(MORPHEUS_REQUEST, MORPHEUS_REQUEST, hex("0000"));

		List<SearchMessage> viaSink = new ArrayList<>();
		SearchProtocolException ex = catchThrowableOfType(SearchProtocolException.class,
				() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(input), viaSink::add));
		assertThat(viaSink).hasSize(2);
		assertThat(ex.getKind()).isEqualTo(Kind.ZERO_HEADER_LENGTH);

		SearchFrameDecoder decoder = new SearchFrameDecoder();
		assertThat(decoder.decode(ByteBuffer.wrap(input))).hasSize(2);
		assertThatThrownBy(decoder::endOfStream).isInstanceOf(SearchProtocolException.class);
	}

	static Stream<Arguments> badHeaders() {
		return Stream.of(
				Arguments.of("invalid UTF-8 byte", concat(ascii("{\"byteorder\": \""), hex("ff"), ascii("\"}")),
						Kind.HEADER_NOT_UTF8),
				Arguments.of("overlong UTF-8", concat(ascii("{\"byteorder\": \""), hex("c0 af"), ascii("\"}")),
						Kind.HEADER_NOT_UTF8),
				Arguments.of("encoded surrogate", concat(ascii("{\"byteorder\": \""), hex("ed a0 80"), ascii("\"}")),
						Kind.HEADER_NOT_UTF8),
				Arguments.of("UTF-8 cut inside a character", concat(ascii("{\"a\": \"x\"}"), hex("f0 9f")),
						Kind.HEADER_NOT_UTF8),
				Arguments.of("not JSON", ascii("hello"), Kind.HEADER_NOT_JSON),
				Arguments.of("blank", ascii("   "), Kind.HEADER_NOT_JSON),
				Arguments.of("cut JSON", ascii("{\"byteorder\": "), Kind.HEADER_NOT_JSON),
				Arguments.of("trailing data", ascii(header("b", "binary", 0) + "{}"), Kind.HEADER_NOT_JSON),
				Arguments.of("byte order mark", concat(hex("ef bb bf"), ascii(header("b", "binary", 0))),
						Kind.HEADER_NOT_JSON),
				Arguments.of("single quotes", ascii("{'byteorder': 'little'}"), Kind.HEADER_NOT_JSON),
				Arguments.of("nested 60000 deep", ascii("[".repeat(60_000)), Kind.HEADER_NOT_JSON),
				Arguments.of("array", ascii("[1, 2]"), Kind.HEADER_NOT_OBJECT),
				Arguments.of("string", ascii("\"text/json\""), Kind.HEADER_NOT_OBJECT),
				Arguments.of("number", ascii("42"), Kind.HEADER_NOT_OBJECT),
				Arguments.of("null", ascii("null"), Kind.HEADER_NOT_OBJECT),
				Arguments.of("no byteorder",
						ascii("{\"content-type\": \"b\", \"content-encoding\": \"binary\", \"content-length\": 0}"),
						Kind.MISSING_HEADER),
				Arguments.of("no content-type",
						ascii("{\"byteorder\": \"little\", \"content-encoding\": \"binary\", \"content-length\": 0}"),
						Kind.MISSING_HEADER),
				Arguments.of("no content-encoding",
						ascii("{\"byteorder\": \"little\", \"content-type\": \"b\", \"content-length\": 0}"),
						Kind.MISSING_HEADER),
				Arguments.of("no content-length",
						ascii("{\"byteorder\": \"little\", \"content-type\": \"b\", \"content-encoding\": \"binary\"}"),
						Kind.MISSING_HEADER),
				Arguments.of("content-type not a string", ascii(header("b", "binary", 0).replace("\"b\"", "5")),
						Kind.INVALID_HEADER),
				Arguments.of("content-encoding null", ascii(header("b", "binary", 0).replace("\"binary\"", "null")),
						Kind.INVALID_HEADER),
				Arguments.of("byteorder not a string", ascii(header("b", "binary", 0).replace("\"little\"", "[]")),
						Kind.INVALID_HEADER),
				Arguments.of("negative content-length", ascii(lengthHeader("-1")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("fractional content-length", ascii(lengthHeader("1.5")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("integral float content-length", ascii(lengthHeader("4.0")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("exponent content-length", ascii(lengthHeader("1e3")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("string content-length", ascii(lengthHeader("\"4\"")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("boolean content-length", ascii(lengthHeader("true")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("null content-length", ascii(lengthHeader("null")), Kind.INVALID_CONTENT_LENGTH),
				Arguments.of("content-length over the maximum", ascii(lengthHeader("1048577")), Kind.CONTENT_TOO_LARGE),
				Arguments.of("content-length 2^31", ascii(lengthHeader("2147483648")), Kind.CONTENT_TOO_LARGE),
				Arguments.of("content-length 10^12", ascii(lengthHeader("1000000000000")), Kind.CONTENT_TOO_LARGE),
				Arguments.of("content-length 10^30", ascii(lengthHeader("1000000000000000000000000000000")),
						Kind.CONTENT_TOO_LARGE),
				Arguments.of("unknown charset for JSON", ascii(header("text/json", "no-such-charset", 2)),
						Kind.UNKNOWN_CHARSET),
				Arguments.of("binary charset for JSON", ascii(header("text/json", "binary", 2)), Kind.UNKNOWN_CHARSET),
				Arguments.of("illegal charset name for JSON", ascii(header("text/json", "", 2)), Kind.UNKNOWN_CHARSET));
	}

	private static String lengthHeader(String contentLength) {
		return "{\"byteorder\": \"little\", \"content-type\": \"binary/x\", \"content-encoding\": \"binary\", "
				+ "\"content-length\": " + contentLength + "}";
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badHeaders")
	void shouldRefuseHeaderWhenItIsComplete(String description, byte[] header, Kind kind) throws Exception {
		// No content follows: a bad header must be refused on its own bytes.
		byte[] bytes = frame(header, new byte[0]);
		SearchFrameDecoder decoder = new SearchFrameDecoder();
		decoder.decode(bytes, 0, bytes.length - 1);
		SearchProtocolException ex = catchThrowableOfType(SearchProtocolException.class,
				() -> decoder.decode(bytes, bytes.length - 1, 1));
		assertThat(ex).isNotNull();
		assertThat(ex.getKind()).isEqualTo(kind);
		assertThat(ex.getKind().canReply()).isTrue();
	}

	@Test
	void shouldNameTheFirstMissingKeyWhenHeaderLacksOne() {
		byte[] bytes = frame("{\"content-type\": \"b\"}", new byte[0]);
		assertThatThrownBy(() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(bytes)))
			.hasMessage("missing required header 'byteorder'");
		byte[] noLength = frame("{\"byteorder\": \"big\", \"content-type\": \"b\"}", new byte[0]);
		assertThatThrownBy(() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(noLength)))
			.hasMessage("missing required header 'content-length'");
	}

	@Test
	void shouldDescribeContentLengthWhenRefusingIt() {
		assertThatThrownBy(() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(frame(lengthHeader("-1"), hex("")))))
			.hasMessage("content-length must be a non-negative integer, got -1");
		assertThatThrownBy(
				() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(frame(lengthHeader("\"4\""), hex("")))))
			.hasMessage("content-length must be a non-negative integer, got a string");
		assertThatThrownBy(
				() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(frame(lengthHeader("1000000000000"), hex("")))))
			.hasMessage("content-length 1000000000000 exceeds the maximum of 1048576");
	}

	static Stream<Arguments> badJsonContents() {
		return Stream.of(Arguments.of("array", ascii("[\"search\", \"ring\"]"), Kind.CONTENT_NOT_OBJECT),
				Arguments.of("string", ascii("\"search\""), Kind.CONTENT_NOT_OBJECT),
				Arguments.of("null", ascii("null"), Kind.CONTENT_NOT_OBJECT),
				Arguments.of("cut JSON", ascii("{\"action\": "), Kind.CONTENT_NOT_JSON),
				Arguments.of("not JSON", ascii("search ring"), Kind.CONTENT_NOT_JSON),
				Arguments.of("empty", new byte[0], Kind.CONTENT_NOT_JSON),
				Arguments.of("NaN", ascii("{\"value\": NaN}"), Kind.CONTENT_NOT_JSON),
				Arguments.of("nested 100000 deep", ascii("[".repeat(100_000)), Kind.CONTENT_NOT_JSON),
				Arguments.of("invalid UTF-8", concat(ascii("{\"value\": \""), hex("ff fe"), ascii("\"}")),
						Kind.CONTENT_NOT_DECODABLE));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badJsonContents")
	void shouldRefuseJsonContentWhenItIsNotAnObject(String description, byte[] content, Kind kind) {
		byte[] bytes = jsonRequest(content);
		SearchProtocolException ex = catchThrowableOfType(SearchProtocolException.class,
				() -> new SearchFrameDecoder().decode(ByteBuffer.wrap(bytes)));
		assertThat(ex).isNotNull();
		assertThat(ex.getKind()).isEqualTo(kind);
	}

	@Test
	void shouldPassAnyBytesWhenContentTypeIsNotJson() throws Exception {
		byte[] content = hex("ff fe 00 5b");
		byte[] bytes = frame(header("text/plain", "no-such-charset", content.length), content);
		assertThat(new SearchFrameDecoder().decode(ByteBuffer.wrap(bytes))).singleElement()
			.satisfies((message) -> assertThat(message.isJson()).isFalse());
	}

	@Test
	void shouldKeepExtraHeaderKeysWhenDecoding() throws Exception {
		byte[] bytes = frame("{\"byteorder\": \"big\", \"content-type\": \"b\", \"content-encoding\": \"binary\", "
				+ "\"content-length\": 0, \"keep-alive\": true, \"x\": null}", new byte[0]);
		SearchMessage message = new SearchFrameDecoder().decode(ByteBuffer.wrap(bytes)).get(0);
		assertThat(message.byteorder()).isEqualTo("big");
		assertThat(message.header()).containsEntry("keep-alive", true).containsEntry("x", null);
	}

	@Test
	void shouldReadBackWhatTheEncoderWroteWhenRoundTripping() throws Exception {
		// U+1F436, then a quote, a backslash, a newline, U+2028 and a lone surrogate
		String text = "\uD83D\uDC36 \"\\\n\u2028\uDC00";
		SearchMessage json = SearchResponder.result(text);
		SearchMessage binary = SearchMessage.of("binary/x", "binary", hex("00 01 ff"));
		byte[] frames = concat(SearchFrameEncoder.encode(json), SearchFrameEncoder.encode(binary));

		List<SearchMessage> decoded = new SearchFrameDecoder().decode(ByteBuffer.wrap(frames));

		assertThat(decoded).hasSize(2);
		assertThat(decoded.get(0).content()).isEqualTo(json.content());
		assertThat(SearchJson.contentObject(decoded.get(0)).get("result").stringValue()).isEqualTo(text);
		assertThat(decoded.get(1).content()).isEqualTo(binary.content());
		assertThat(decoded.get(1).contentType()).isEqualTo("binary/x");
		assertThat(decoded.get(1).byteorder()).isEqualTo(SearchMessage.NATIVE_BYTE_ORDER);
	}

}
