package dev.portico.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import dev.portico.protocol.SearchProtocolException.Kind;
import dev.portico.search.SearchDecodeResult;
import dev.portico.search.SearchDecodeResult.Bad;
import dev.portico.search.SearchDecodeResult.Ok;
import dev.portico.search.SearchReply;
import dev.portico.search.SearchResponder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fuzz tests of the search frame codecs. In a plain build each test replays its inputs
 * from
 * {@code src/test/resources/dev/portico/protocol/SearchFrameFuzzTestsInputs/<method>/};
 * with {@code JAZZER_FUZZ=1} Jazzer fuzzes the one test selected with
 * {@code -Dtest=Class#method}. See docs/fuzzing.md.
 */
class SearchFrameFuzzTests {

	/** Small, so that the fuzzer reaches the limit often; listeners default to 1 MiB. */
	static final int MAX_CONTENT = 4096;

	/** The most a frame can take on the wire under {@link #MAX_CONTENT}. */
	private static final int MAX_FRAME = 2 + SearchHeader.MAX_HEADER_LENGTH + MAX_CONTENT;

	/** What a decoder may keep from one frame to the next (its reused buffer). */
	private static final int RETAINED_BUFFER = 4096;

	private static final Field DECODER_BUFFER = bufferField();

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/**
	 * Names a client may send as content-encoding of JSON content, Python spellings
	 * included.
	 */
	private static final String[] JSON_ENCODINGS = { "utf-8", "UTF-8", "utf8", "utf_8", "u8", "utf-16", "UTF-16LE",
			"UTF-16BE", "utf-32", "utf_32", "UTF-32LE", "latin-1", "iso-8859-1", "ascii", "cp1252", "Big5", "Shift_JIS",
			"IBM1047", "cp037", "GB18030", "windows-1251" };

	private final SearchResponder responder = new SearchResponder(Map.of("morpheus",
			"Follow the white rabbit. \uD83D\uDC30", "ring", "In the caves beneath the Misty Mountains. \uD83D\uDC8D",
			"\uD83D\uDC36", "\uD83D\uDC3E Playing ball! \uD83C\uDFD0")::get);

	/**
	 * The incremental decoder, fed the stream in fuzzer-chosen pieces, and a decoder fed
	 * the whole stream at once must produce the same messages and stop with the same
	 * error, if any. Only protocol errors escape and the decoder never holds more than
	 * the frame allows. (The server and the bundled client both read through this one
	 * decoder.) Input layout: see {@link Splits}.
	 */
	@FuzzTest(maxDuration = "5m")
	@DictionaryEntries({ "\"byteorder\"", "\"content-type\"", "\"content-encoding\"", "\"content-length\"",
			"\"little\"", "\"big\"", "\"text/json\"", "\"utf-8\"", "\"utf-16\"", "\"latin-1\"", "\"binary\"",
			"\"action\"", "\"search\"", "\"value\"", "4096", "4097", "-1", "1.5", "1e3", "2147483648", ": ", ", " })
	void shouldDecodeAlikeWhenBytesArriveInAnySplit(byte[] data) throws IOException {
		Splits splits = Splits.of(data);
		byte[] stream = splits.payload();

		Outcome incremental = decodeIncrementally(stream, splits);
		Outcome whole = decodeWhole(stream);

		assertThat(whole.messages()).isEqualTo(incremental.messages());
		assertThat(whole.failure()).isEqualTo(incremental.failure());
		for (SearchMessage message : incremental.messages()) {
			assertThat(message.content().length).isLessThanOrEqualTo(MAX_CONTENT);
			assertResponseRoundTrips(message);
		}
	}

	/**
	 * A valid message built from fuzzer data (any strings as byteorder, content-type and
	 * content-encoding, any content bytes, any Unicode in JSON strings) encodes to a
	 * frame that both decoders read back unchanged, and {@link PythonJson}'s text parses
	 * back to the same strings and encodes to UTF-8 losslessly.
	 */
	@FuzzTest(maxDuration = "5m")
	void shouldRoundTripWhenMessageIsValid(FuzzedDataProvider data) throws IOException, SearchProtocolException {
		String byteorder = data.consumeBoolean() ? SearchMessage.NATIVE_BYTE_ORDER : text(data, 16);
		SearchMessage message;
		if (data.consumeBoolean()) {
			String action = text(data, 64);
			String value = text(data, 512);
			String extraKey = text(data, 32);
			Map<String, Object> object = new LinkedHashMap<>();
			object.put("action", action);
			object.put("value", value);
			object.put(extraKey, List.of(text(data, 32), data.consumeLong(), data.consumeBoolean()));
			String json = PythonJson.write(object);
			assertPythonJsonParsesBack(json, object);
			String encoding = data.pickValue(JSON_ENCODINGS);
			byte[] content = encode(json, encoding);
			if (content == null) {
				encoding = SearchMessage.UTF_8;
				content = json.getBytes(StandardCharsets.UTF_8);
			}
			message = new SearchMessage(byteorder, SearchMessage.JSON_CONTENT_TYPE, encoding, content, Map.of());
		}
		else {
			String contentType = text(data, 64);
			if (contentType.equals(SearchMessage.JSON_CONTENT_TYPE)) {
				contentType += " ";
			}
			String encoding = text(data, 64);
			message = new SearchMessage(byteorder, contentType, encoding, data.consumeRemainingAsBytes(), Map.of());
		}

		byte[] frame = SearchFrameEncoder.encode(message);

		SearchFrameDecoder decoder = new SearchFrameDecoder(frame.length);
		List<SearchMessage> decoded = decoder.decode(frame, 0, frame.length);
		decoder.endOfStream();
		assertThat(decoded).hasSize(1);
		assertSameMessage(decoded.get(0), message);
		assertThat(decoded.get(0).header().keySet()).containsExactly(SearchHeader.BYTEORDER, SearchHeader.CONTENT_TYPE,
				SearchHeader.CONTENT_ENCODING, SearchHeader.CONTENT_LENGTH);
		assertThat(SearchFrameEncoder.encode(decoded.get(0))).isEqualTo(frame);
	}

	static Outcome decodeIncrementally(byte[] stream, Splits splits) {
		SearchFrameDecoder decoder = new SearchFrameDecoder(MAX_CONTENT);
		List<SearchMessage> messages = new ArrayList<>();
		int offset = 0;
		try {
			for (int piece = 0; offset < stream.length; piece++) {
				int length = Math.min(splits.piece(piece), stream.length - offset);
				decoder.decode(stream, offset, length, messages::add);
				offset += length;
				assertHoldsOnlyWhatArrived(decoder);
			}
			decoder.endOfStream();
			assertThat(decoder.isAtFrameBoundary()).isTrue();
			return new Outcome(messages, null);
		}
		catch (SearchProtocolException ex) {
			// A failed decoder stays failed, whatever comes next, and lets its buffer go.
			assertThatThrownBy(() -> decoder.decode(new byte[] { 0, 1 }, 0, 2, messages::add)).isSameAs(ex);
			assertThat(bufferOf(decoder)).isEmpty();
			return new Outcome(messages, ex.getKind());
		}
	}

	/**
	 * The decoder's buffer grows with the bytes that arrived, never to a declared length.
	 */
	private static void assertHoldsOnlyWhatArrived(SearchFrameDecoder decoder) {
		int held = decoder.getBufferedBytes();
		assertThat(held).isLessThanOrEqualTo(MAX_FRAME);
		int capacity = bufferOf(decoder).length;
		assertThat(capacity).isLessThanOrEqualTo(Math.max(SearchHeader.MAX_HEADER_LENGTH, MAX_CONTENT));
		assertThat(capacity).isLessThanOrEqualTo(Math.max(RETAINED_BUFFER, 2 * held));
	}

	static Outcome decodeWhole(byte[] stream) {
		SearchFrameDecoder decoder = new SearchFrameDecoder(MAX_CONTENT);
		List<SearchMessage> messages = new ArrayList<>();
		try {
			decoder.decode(stream, 0, stream.length, messages::add);
			decoder.endOfStream();
			return new Outcome(messages, null);
		}
		catch (SearchProtocolException ex) {
			assertThat(ex.getKind().canReply()).isEqualTo(ex.getKind() != Kind.TRUNCATED_FRAME);
			return new Outcome(messages, ex.getKind());
		}
	}

	/**
	 * The 2-byte header length at {@code offset}, or 0 where the stream has not got it.
	 */
	private static int headerLength(byte[] stream, int offset) {
		if (offset + 2 > stream.length) {
			return 0;
		}
		return ((stream[offset] & 0xFF) << 8) | (stream[offset + 1] & 0xFF);
	}

	/**
	 * Every answer the responder gives to a good request is itself a frame that reads
	 * back.
	 */
	private void assertResponseRoundTrips(SearchMessage request) {
		SearchReply reply = this.responder.reply(request);
		assertThat(reply.close()).isEqualTo(reply.isError());
		if (reply.message() == null) {
			return;
		}
		byte[] frame = SearchFrameEncoder.encode(reply.message());
		try {
			List<SearchMessage> decoded = new SearchFrameDecoder(frame.length).decode(frame, 0, frame.length);
			assertThat(decoded).hasSize(1);
			assertSameMessage(decoded.get(0), reply.message());
		}
		catch (SearchProtocolException ex) {
			throw new AssertionError("Response does not decode: " + reply.message(), ex);
		}
	}

	private static void assertPythonJsonParsesBack(String json, Map<String, Object> object) {
		// Python's ensure_ascii=False text, always valid UTF-8 (lone surrogates are
		// escaped).
		assertThat(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(json);
		JsonNode node = MAPPER.readTree(json);
		assertThat(node.size()).isEqualTo(object.size());
		for (Map.Entry<String, Object> entry : object.entrySet()) {
			JsonNode value = node.get(entry.getKey());
			assertThat(value).as("key %s", entry.getKey()).isNotNull();
			if (entry.getValue() instanceof String string) {
				assertThat(value.stringValue()).isEqualTo(string);
			}
			else {
				List<?> list = (List<?>) entry.getValue();
				assertThat(value.get(0).stringValue()).isEqualTo(list.get(0));
				assertThat(value.get(1).longValue()).isEqualTo(list.get(1));
				assertThat(value.get(2).booleanValue()).isEqualTo(list.get(2));
			}
		}
		assertThat(PythonJson.write(json)).as("a string holding JSON")
			.satisfies((quoted) -> assertThat(MAPPER.readTree(quoted).stringValue()).isEqualTo(json));
	}

	private static void assertSameMessage(SearchMessage actual, SearchMessage expected) {
		assertThat(actual.byteorder()).isEqualTo(expected.byteorder());
		assertThat(actual.contentType()).isEqualTo(expected.contentType());
		assertThat(actual.contentEncoding()).isEqualTo(expected.contentEncoding());
		assertThat(actual.content()).isEqualTo(expected.content());
	}

	/**
	 * JSON text in the named encoding, or {@code null} when that charset cannot hold it
	 * or does not give it back unchanged (Shift_JIS writes U+00A5 as the byte it reads as
	 * a backslash).
	 */
	private static byte[] encode(String json, String encoding) {
		try {
			Charset charset = SearchJson.charset(encoding);
			CharsetEncoder encoder = charset.newEncoder();
			if (!encoder.canEncode(json)) {
				return null;
			}
			ByteBuffer encoded = encoder.encode(CharBuffer.wrap(json));
			byte[] bytes = new byte[encoded.remaining()];
			encoded.get(bytes);
			return new String(bytes, charset).equals(json) ? bytes : null;
		}
		catch (SearchProtocolException | CharacterCodingException ex) {
			throw new AssertionError("Test charset " + encoding + " unusable", ex);
		}
	}

	/** Any UTF-16 text, lone surrogates and control characters included. */
	private static String text(FuzzedDataProvider data, int maxLength) {
		if (data.consumeBoolean()) {
			return data.consumeString(maxLength);
		}
		int length = data.consumeInt(0, maxLength);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length && data.remainingBytes() > 0; i++) {
			text.append(data.consumeChar());
		}
		return text.toString();
	}

	private static byte[] bufferOf(SearchFrameDecoder decoder) {
		return (byte[]) ReflectionUtils.getField(DECODER_BUFFER, decoder);
	}

	private static Field bufferField() {
		Field field = ReflectionUtils.findField(SearchFrameDecoder.class, "buffer");
		assertThat(field).as("SearchFrameDecoder.buffer").isNotNull();
		ReflectionUtils.makeAccessible(field);
		return field;
	}

	/**
	 * What a decoder made of a whole stream: its messages, then its error or
	 * {@code null}.
	 */
	record Outcome(List<SearchMessage> messages, Kind failure) {
	}

	/**
	 * How a fuzz input splits into pieces and a stream. Byte 0's low 5 bits give
	 * {@code n}; the next {@code n} bytes are piece sizes (0 to 255), used in turn and
	 * then again from the first; the rest is the stream. The incremental decoder gets the
	 * stream in pieces of those sizes (0 is an empty call); the blocking one reads it
	 * through reads that return at most that many bytes (at least 1, as a blocking read
	 * does). Without sizes, or with all sizes 0, the stream comes in one piece. So a seed
	 * file is {@code 00} followed by the wire bytes.
	 */
	record Splits(int[] sizes, byte[] payload) {

		/** The splits of a seed file of a fuzz corpus on the test class path. */
		static Splits ofSeed(Class<?> test, String resource) throws IOException {
			try (InputStream in = test.getResourceAsStream(resource)) {
				assertThat(in).as("seed %s", resource).isNotNull();
				return of(in.readAllBytes());
			}
		}

		static Splits of(byte[] data) {
			if (data.length == 0) {
				return new Splits(new int[0], data);
			}
			int count = Math.min(data[0] & 0x1F, data.length - 1);
			int[] sizes = new int[count];
			int sum = 0;
			for (int i = 0; i < count; i++) {
				sizes[i] = data[1 + i] & 0xFF;
				sum += sizes[i];
			}
			byte[] payload = Arrays.copyOfRange(data, 1 + count, data.length);
			return new Splits((sum == 0) ? new int[0] : sizes, payload);
		}

		int piece(int index) {
			return (this.sizes.length == 0) ? Integer.MAX_VALUE : this.sizes[index % this.sizes.length];
		}

	}

	/**
	 * Serves the stream through short reads and records the furthest position any read
	 * asked for, so that a test can tell whether the reader ever reached into the next
	 * frame.
	 */
	static final class ShortReadStream extends InputStream {

		private final byte[] bytes;

		private final Splits splits;

		private int position;

		private int reads;

		private int highWater;

		ShortReadStream(byte[] bytes, Splits splits) {
			this.bytes = bytes;
			this.splits = splits;
		}

		int position() {
			return this.position;
		}

		int highWater() {
			return this.highWater;
		}

		void startFrame() {
			this.highWater = this.position;
		}

		@Override
		public int read() {
			this.highWater = Math.max(this.highWater, this.position + 1);
			return (this.position < this.bytes.length) ? this.bytes[this.position++] & 0xFF : -1;
		}

		@Override
		public int read(byte[] target, int offset, int length) {
			Objects.checkFromIndexSize(offset, length, target.length);
			if (length == 0) {
				return 0;
			}
			this.highWater = (int) Math.min(Integer.MAX_VALUE, Math.max(this.highWater, (long) this.position + length));
			if (this.position >= this.bytes.length) {
				return -1;
			}
			int count = Math.min(Math.min(length, Math.max(1, this.splits.piece(this.reads++))),
					this.bytes.length - this.position);
			System.arraycopy(this.bytes, this.position, target, offset, count);
			this.position += count;
			return count;
		}

	}

}
