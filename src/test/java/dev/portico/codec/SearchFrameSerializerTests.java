package dev.portico.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.portico.codec.SearchDecodeResult.Bad;
import dev.portico.codec.SearchDecodeResult.Ok;
import dev.portico.codec.SearchProtocolException.Kind;

import static dev.portico.codec.SearchTestFrames.MORPHEUS_REQUEST;
import static dev.portico.codec.SearchTestFrames.ascii;
import static dev.portico.codec.SearchTestFrames.concat;
import static dev.portico.codec.SearchTestFrames.frame;
import static dev.portico.codec.SearchTestFrames.header;
import static dev.portico.codec.SearchTestFrames.hex;
import static dev.portico.codec.SearchTestFrames.searchRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SearchFrameSerializerTests {

	private static final byte[] MORPHEUS_CONTENT = ascii("{\"action\": \"search\", \"value\": \"morpheus\"}");

	private final SearchFrameSerializer serializer = new SearchFrameSerializer();

	@Test
	void shouldReadOneFrameWhenStreamHoldsOne() throws Exception {
		InputStream in = new ByteArrayInputStream(MORPHEUS_REQUEST);

		SearchDecodeResult result = this.serializer.deserialize(in);

		assertThat(result).isInstanceOfSatisfying(Ok.class,
				(ok) -> assertThat(ok.message().content()).isEqualTo(MORPHEUS_CONTENT));
		assertThatExceptionOfType(SoftEndOfStreamException.class).isThrownBy(() -> this.serializer.deserialize(in));
	}

	@Test
	void shouldReadTwoFramesInOrderWhenStreamHoldsTwo() throws Exception {
		InputStream in = new ByteArrayInputStream(concat(searchRequest("ring"), MORPHEUS_REQUEST));

		SearchDecodeResult first = this.serializer.deserialize(in);
		SearchDecodeResult second = this.serializer.deserialize(in);

		assertThat(((Ok) first).message().content())
			.isEqualTo(ascii("{\"action\": \"search\", \"value\": \"ring\"}"));
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
		SearchDecodeResult result = this.serializer.deserialize(new OneByteInputStream(bytes));
		assertThat(((Ok) result).message().content()).isEqualTo(content);
	}

	@Test
	void shouldThrowSoftEndOfStreamWhenStreamEndsBeforeAFrame() {
		assertThatExceptionOfType(SoftEndOfStreamException.class)
			.isThrownBy(() -> this.serializer.deserialize(new ByteArrayInputStream(new byte[0])));
	}

	@Test
	void shouldReturnTruncatedWhenStreamEndsInsideAFrame() throws Exception {
		for (int length = 1; length < MORPHEUS_REQUEST.length; length++) {
			InputStream in = new ByteArrayInputStream(MORPHEUS_REQUEST, 0, length);
			SearchDecodeResult result = this.serializer.deserialize(in);
			assertThat(result).as("after %d bytes", length).isInstanceOfSatisfying(Bad.class, (bad) -> {
				assertThat(bad.kind()).isEqualTo(Kind.TRUNCATED_FRAME);
				assertThat(bad.canFrameReply()).isFalse();
			});
		}
	}

	@Test
	void shouldRefuseOversizedContentLengthWithoutReadingContent() throws Exception {
		byte[] content = new byte[4096];
		byte[] bytes = frame(header("binary/x", "binary", 2 * 1024 * 1024), content);
		InputStream in = new ByteArrayInputStream(bytes);

		SearchDecodeResult result = this.serializer.deserialize(in);

		assertThat(result).isEqualTo(new Bad(Kind.CONTENT_TOO_LARGE,
				"content-length 2097152 exceeds the maximum of 1048576", true));
		assertThat(in.available()).as("content left unread").isEqualTo(content.length);
	}

	@Test
	void shouldRefuseWithConfiguredMaximumWhenContentIsLarger() throws Exception {
		SearchFrameSerializer small = new SearchFrameSerializer(8);
		InputStream in = new ByteArrayInputStream(frame(header("b", "binary", 9), new byte[9]));
		assertThat(small.deserialize(in)).isInstanceOfSatisfying(Bad.class,
				(bad) -> assertThat(bad.kind()).isEqualTo(Kind.CONTENT_TOO_LARGE));
	}

	@Test
	void shouldReturnBadWithReplyWhenHeaderLengthIsZero() throws Exception {
		InputStream in = new ByteArrayInputStream(concat(hex("0000"), MORPHEUS_REQUEST));
		assertThat(this.serializer.deserialize(in))
			.isEqualTo(new Bad(Kind.ZERO_HEADER_LENGTH, "header length is 0", true));
	}

	@Test
	void shouldReturnBadWhenHeaderIsNotJson() throws Exception {
		InputStream in = new ByteArrayInputStream(frame("not json", new byte[0]));
		assertThat(this.serializer.deserialize(in)).isInstanceOfSatisfying(Bad.class,
				(bad) -> assertThat(bad.kind()).isEqualTo(Kind.HEADER_NOT_JSON));
	}

	@Test
	void shouldReturnBadWhenJsonContentIsNotAnObject() throws Exception {
		byte[] content = ascii("[1]");
		InputStream in = new ByteArrayInputStream(frame(header("text/json", "utf-8", 3), content));
		assertThat(this.serializer.deserialize(in)).isInstanceOfSatisfying(Bad.class,
				(bad) -> assertThat(bad.kind()).isEqualTo(Kind.CONTENT_NOT_OBJECT));
	}

	@Test
	void shouldWriteFramesWhenGivenMessageReplyOrBytes() throws Exception {
		SearchMessage message = SearchMessage.of("binary/x", "binary", hex("01 02"));
		byte[] frame = SearchFrameEncoder.encode(message);
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		this.serializer.serialize(message, out);
		this.serializer.serialize(SearchReply.answer(message), out);
		this.serializer.serialize(new SearchReply(null, true, Kind.TRUNCATED_FRAME), out);
		this.serializer.serialize(frame, out);

		assertThat(out.toByteArray()).isEqualTo(concat(frame, frame, frame));
		InputStream in = new ByteArrayInputStream(out.toByteArray());
		for (int i = 0; i < 3; i++) {
			assertThat(((Ok) this.serializer.deserialize(in)).message().content()).isEqualTo(hex("01 02"));
		}
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
