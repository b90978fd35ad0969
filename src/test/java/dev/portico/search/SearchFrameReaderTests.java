package dev.portico.search;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import dev.portico.protocol.SearchFrameDecoder;
import dev.portico.protocol.SearchFrameEncoder;
import dev.portico.protocol.SearchMessage;
import dev.portico.protocol.SearchProtocolException.Kind;
import dev.portico.search.SearchDecodeResult.Bad;
import dev.portico.search.SearchDecodeResult.Ok;
import dev.portico.tcp.FrameClock;

import static dev.portico.protocol.SearchTestFrames.MORPHEUS_REQUEST;
import static dev.portico.protocol.SearchTestFrames.ascii;
import static dev.portico.protocol.SearchTestFrames.concat;
import static dev.portico.protocol.SearchTestFrames.frame;
import static dev.portico.protocol.SearchTestFrames.header;
import static dev.portico.protocol.SearchTestFrames.hex;
import static dev.portico.protocol.SearchTestFrames.searchRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SearchFrameReaderTests {

	private static final byte[] MORPHEUS_CONTENT = ascii("{\"action\": \"search\", \"value\": \"morpheus\"}");

	private static SearchFrameReader reader() {
		return reader(SearchFrameDecoder.DEFAULT_MAX_CONTENT_LENGTH);
	}

	private static SearchFrameReader reader(int maxContentLength) {
		return new SearchFrameReader(FrameClock.NONE, maxContentLength);
	}

	@Test
	void shouldReadOneFrameWhenStreamHoldsOne() throws Exception {
		InputStream in = new ByteArrayInputStream(MORPHEUS_REQUEST);
		SearchFrameReader reader = reader();

		Object result = reader.read(in);

		assertThat(result).isInstanceOfSatisfying(Ok.class,
				(ok) -> assertThat(ok.message().content()).isEqualTo(MORPHEUS_CONTENT));
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.read(in));
	}

	@Test
	void shouldReadTwoFramesInOrderWhenStreamHoldsTwo() throws Exception {
		InputStream in = new ByteArrayInputStream(concat(searchRequest("ring"), MORPHEUS_REQUEST));

		SearchFrameReader reader = reader();
		Object first = reader.read(in);
		Object second = reader.read(in);

		assertThat(((Ok) first).message().content()).isEqualTo(ascii("{\"action\": \"search\", \"value\": \"ring\"}"));
		assertThat(((Ok) second).message().content()).isEqualTo(MORPHEUS_CONTENT);
		assertThat(in.available()).isZero();
	}

	@Test
	void shouldReadFrameWhenStreamDeliversOneByteAtATime() throws Exception {
		byte[] content = new byte[20000];
		for (int i = 0; i < content.length; i++) {
			content[i] = (byte) i;
		}
		byte[] bytes = frame(header("binary/x", "binary", content.length), content);
		Object result = reader().read(new OneByteInputStream(bytes));
		assertThat(((Ok) result).message().content()).isEqualTo(content);
	}

	@Test
	void shouldThrowEndOfStreamWhenStreamEndsBeforeAFrame() {
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> reader().read(new ByteArrayInputStream(new byte[0])));
	}

	@Test
	void shouldReturnTruncatedWhenStreamEndsInsideAFrame() throws Exception {
		for (int length = 1; length < MORPHEUS_REQUEST.length; length++) {
			InputStream in = new ByteArrayInputStream(MORPHEUS_REQUEST, 0, length);
			Object result = reader().read(in);
			assertThat(result).as("after %d bytes", length).isInstanceOfSatisfying(Bad.class, (bad) -> {
				assertThat(bad.kind()).isEqualTo(Kind.TRUNCATED_FRAME);
				assertThat(bad.canFrameReply()).isFalse();
			});
		}
	}

	@Test
	void shouldRefuseOversizedContentLengthWithoutReadingContent() throws Exception {
		// only the header arrives: the refusal must not wait for (or allocate) the
		// declared content
		byte[] headerOnly = frame(header("binary/x", "binary", 2 * 1024 * 1024), new byte[0]);
		InputStream in = new ByteArrayInputStream(headerOnly);

		Object result = reader().read(in);

		assertThat(result)
			.isEqualTo(new Bad(Kind.CONTENT_TOO_LARGE, "content-length 2097152 exceeds the maximum of 1048576", true));
	}

	@Test
	void shouldRefuseWithConfiguredMaximumWhenContentIsLarger() throws Exception {
		InputStream in = new ByteArrayInputStream(frame(header("b", "binary", 9), new byte[9]));
		assertThat(reader(8).read(in)).isInstanceOfSatisfying(Bad.class,
				(bad) -> assertThat(bad.kind()).isEqualTo(Kind.CONTENT_TOO_LARGE));
	}

	@Test
	void shouldReturnBadWithReplyWhenHeaderLengthIsZero() throws Exception {
		InputStream in = new ByteArrayInputStream(concat(hex("0000"), MORPHEUS_REQUEST));
		assertThat(reader().read(in)).isEqualTo(new Bad(Kind.ZERO_HEADER_LENGTH, "header length is 0", true));
	}

	@Test
	void shouldReturnBadWhenHeaderIsNotJson() throws Exception {
		InputStream in = new ByteArrayInputStream(frame("not json", new byte[0]));
		assertThat(reader().read(in)).isInstanceOfSatisfying(Bad.class,
				(bad) -> assertThat(bad.kind()).isEqualTo(Kind.HEADER_NOT_JSON));
	}

	@Test
	void shouldReturnBadWhenJsonContentIsNotAnObject() throws Exception {
		byte[] content = ascii("[1]");
		InputStream in = new ByteArrayInputStream(frame(header("text/json", "utf-8", 3), content));
		assertThat(reader().read(in)).isInstanceOfSatisfying(Bad.class,
				(bad) -> assertThat(bad.kind()).isEqualTo(Kind.CONTENT_NOT_OBJECT));
	}

	@Test
	void shouldReadBackFramesTheEncoderWrote() throws Exception {
		SearchMessage message = SearchMessage.of("binary/x", "binary", hex("01 02"));
		byte[] frame = SearchFrameEncoder.encode(message);
		InputStream in = new ByteArrayInputStream(concat(frame, frame, frame));
		SearchFrameReader reader = reader();
		for (int i = 0; i < 3; i++) {
			assertThat(((Ok) reader.read(in)).message().content()).isEqualTo(hex("01 02"));
		}
	}

	@Test
	void shouldAnswerGoodFramesBeforeABadOneInTheSameRead() throws Exception {
		InputStream in = new ByteArrayInputStream(concat(MORPHEUS_REQUEST, hex("0000")));
		SearchFrameReader reader = reader();
		assertThat(reader.read(in)).isInstanceOf(Ok.class);
		assertThat(reader.read(in)).isEqualTo(new Bad(Kind.ZERO_HEADER_LENGTH, "header length is 0", true));
	}

	/** Hands out at most one byte per read, as a slow socket might. */
	private static final class OneByteInputStream extends FilterInputStream {

		OneByteInputStream(byte[] bytes) {
			super(new ByteArrayInputStream(bytes));
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			return super.read(b, off, Math.min(len, 1));
		}

	}

}
