package dev.portico.tcp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Turns the bytes of one connection into units (chunks or frames) as they arrive, without
 * blocking: what the event-loop engine uses where the threaded engine uses a
 * {@link FrameReader}. One instance per connection, so it may keep partial frames.
 *
 * @param <T> what a unit is
 */
public interface FrameDecoder<T> {

	/**
	 * Decode the bytes one read brought and hand every unit they complete to {@code out},
	 * in order.
	 * @param buffer the bytes, valid only during this call
	 * @param offset where they start
	 * @param length how many there are (at least 1)
	 * @param out receives each unit
	 */
	void decode(byte[] buffer, int offset, int length, Consumer<T> out);

	/**
	 * The peer ended its output. A decoder holding part of a frame hands over what the
	 * protocol makes of a truncated frame (an error unit, for example); the default hands
	 * over nothing.
	 * @param out receives a last unit, if any
	 */
	default void endOfStream(Consumer<T> out) {
	}

	/**
	 * A decoder for unframed bytes: each read becomes one chunk (split at
	 * {@code maxChunkSize}), copied to an array sized to the data.
	 * @param maxChunkSize the largest chunk handed over
	 * @return the decoder (it keeps no state, so one may serve every connection)
	 */
	static FrameDecoder<byte[]> chunks(int maxChunkSize) {
		if (maxChunkSize < 1) {
			throw new IllegalArgumentException("maxChunkSize must be positive: " + maxChunkSize);
		}
		return (buffer, offset, length, out) -> {
			int end = offset + length;
			for (int at = offset; at < end; at += maxChunkSize) {
				out.accept(Arrays.copyOfRange(buffer, at, Math.min(end, at + maxChunkSize)));
			}
		};
	}

}
