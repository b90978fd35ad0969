package dev.portico.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fuzz test of the echo listener's {@link ChunkReader}: whatever sizes the reads come in,
 * every byte comes out once, in order, in chunks of 1 to the maximum. Inputs replayed in
 * every build live in
 * {@code src/test/resources/dev/portico/protocol/ChunkReaderFuzzTestsInputs/<method>/}.
 */
class ChunkReaderFuzzTests {

	/**
	 * Input: the maximum chunk size (1 to 70000), up to 64 read sizes (1 to 70000, used
	 * in turn and cyclically), then the stream's bytes.
	 */
	@FuzzTest(maxDuration = "5m")
	void shouldReturnEveryByteOnceWhenReadsAreShort(FuzzedDataProvider data) throws IOException {
		int maxChunkSize = data.consumeInt(1, 70_000);
		int[] readSizes = new int[data.consumeInt(1, 64)];
		for (int i = 0; i < readSizes.length; i++) {
			readSizes[i] = data.consumeInt(1, 70_000);
		}
		byte[] stream = data.consumeRemainingAsBytes();
		ShortReadStream in = new ShortReadStream(stream, readSizes);
		ChunkReader reader = new ChunkReader(maxChunkSize);
		ByteArrayOutputStream echoed = new ByteArrayOutputStream(stream.length);

		while (echoed.size() < stream.length) {
			int bufferBefore = reader.bufferSize();
			byte[] chunk = reader.read(in);
			assertThat(chunk.length).isBetween(1, maxChunkSize);
			assertThat(chunk.length).as("one read's bytes").isEqualTo(in.lastRead());
			assertThat(in.lastRequested()).isEqualTo(bufferBefore);
			assertThat(reader.bufferSize()).isBetween(1, maxChunkSize);
			echoed.write(chunk);
		}

		assertThat(echoed.toByteArray()).isEqualTo(stream);
		assertThatExceptionOfType(java.io.EOFException.class).isThrownBy(() -> reader.read(in));
	}

	/**
	 * Returns at most the next of the given sizes per read, at least one byte, as a
	 * socket does.
	 */
	static final class ShortReadStream extends InputStream {

		private final byte[] bytes;

		private final int[] sizes;

		private int position;

		private int reads;

		private int lastRead;

		private int lastRequested;

		ShortReadStream(byte[] bytes, int[] sizes) {
			this.bytes = bytes;
			this.sizes = sizes;
		}

		int lastRead() {
			return this.lastRead;
		}

		int lastRequested() {
			return this.lastRequested;
		}

		@Override
		public int read() {
			throw new UnsupportedOperationException("ChunkReader reads in bulk");
		}

		@Override
		public int read(byte[] target, int offset, int length) {
			Objects.checkFromIndexSize(offset, length, target.length);
			this.lastRequested = length;
			if (this.position >= this.bytes.length) {
				this.lastRead = -1;
				return -1;
			}
			int count = Math.min(Math.min(length, this.sizes[this.reads++ % this.sizes.length]),
					this.bytes.length - this.position);
			System.arraycopy(this.bytes, this.position, target, offset, count);
			this.position += count;
			this.lastRead = count;
			return count;
		}

	}

}
