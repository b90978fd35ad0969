package dev.portico.protocol;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChunkReaderTests {

	@Test
	void shouldReturnExactlyTheBytesOfOneReadWhenLessThanTheBufferArrives() throws IOException {
		ChunkReader reader = new ChunkReader(64 * 1024);
		byte[] chunk = reader.read(new ByteArrayInputStream(new byte[] { 1, 2, 3 }));
		assertThat(chunk).containsExactly(1, 2, 3);
	}

	@Test
	void shouldSignalEndOfStreamWhenTheStreamEnds() {
		ChunkReader reader = new ChunkReader(16);
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> reader.read(new ByteArrayInputStream(new byte[0])));
	}

	@Test
	void shouldGrowTheBufferOnlyWhileReadsFillItAndNeverBeyondTheMaximum() throws IOException {
		ChunkReader reader = new ChunkReader(2048);
		InputStream in = new ByteArrayInputStream(new byte[10_000]);
		assertThat(reader.bufferSize()).isEqualTo(ChunkReader.INITIAL_SIZE);
		assertThat(reader.read(in)).hasSize(512);
		assertThat(reader.read(in)).hasSize(1024);
		assertThat(reader.read(in)).hasSize(2048);
		assertThat(reader.read(in)).hasSize(2048);
		assertThat(reader.bufferSize()).isEqualTo(2048);
	}

	@Test
	void shouldShrinkTheBufferAfterSeveralSmallReads() throws IOException {
		ChunkReader reader = new ChunkReader(4096);
		InputStream big = new ByteArrayInputStream(new byte[512 + 1024 + 2048]);
		reader.read(big);
		reader.read(big);
		reader.read(big);
		assertThat(reader.bufferSize()).isEqualTo(4096);
		for (int i = 0; i < ChunkReader.SHRINK_AFTER; i++) {
			reader.read(new ByteArrayInputStream(new byte[10]));
		}
		assertThat(reader.bufferSize()).isEqualTo(2048);
		for (int i = 0; i < 10 * ChunkReader.SHRINK_AFTER; i++) {
			reader.read(new ByteArrayInputStream(new byte[10]));
		}
		assertThat(reader.bufferSize()).isEqualTo(ChunkReader.INITIAL_SIZE);
	}

	@Test
	void shouldNeverReturnMoreThanTheMaximumChunk() throws IOException {
		ChunkReader reader = new ChunkReader(100);
		byte[] data = new byte[1000];
		for (int i = 0; i < data.length; i++) {
			data[i] = (byte) i;
		}
		InputStream in = new ByteArrayInputStream(data);
		int total = 0;
		while (total < data.length) {
			byte[] chunk = reader.read(in);
			assertThat(chunk.length).isBetween(1, 100);
			for (int i = 0; i < chunk.length; i++) {
				assertThat(chunk[i]).isEqualTo(data[total + i]);
			}
			total += chunk.length;
		}
		assertThat(total).isEqualTo(1000);
	}

}
