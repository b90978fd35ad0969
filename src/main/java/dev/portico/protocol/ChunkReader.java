package dev.portico.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads "whatever bytes arrived" from a stream: one blocking read, returned as an array
 * sized to the data. Unframed, so it suits a byte stream echoed as it comes.
 *
 * <p>
 * One instance belongs to one connection: it keeps a read buffer that starts small,
 * doubles (up to {@code maxChunkSize}) when a read fills it, and halves again after
 * several reads in a row used less than half of it, so a connection that goes quiet gives
 * its memory back and busy ones read in large chunks (Netty's adaptive receive buffer
 * works the same way).
 */
public final class ChunkReader {

	/** Size of a fresh connection's read buffer. */
	public static final int INITIAL_SIZE = 512;

	private final int maxChunkSize;

	/** Reads in a row that used less than half the buffer before it shrinks. */
	static final int SHRINK_AFTER = 4;

	private byte[] buffer;

	private int smallReads;

	public ChunkReader(int maxChunkSize) {
		if (maxChunkSize < 1) {
			throw new IllegalArgumentException("maxChunkSize must be positive: " + maxChunkSize);
		}
		this.maxChunkSize = maxChunkSize;
		this.buffer = new byte[Math.min(INITIAL_SIZE, maxChunkSize)];
	}

	/**
	 * Block until at least one byte arrives and return every byte that one read
	 * delivered.
	 * @param in the stream to read
	 * @return a new array holding 1 to {@code maxChunkSize} bytes
	 * @throws EOFException when the stream ends (the peer closed or shut down output)
	 * @throws IOException when the read fails
	 */
	public byte[] read(InputStream in) throws IOException {
		byte[] buf = this.buffer;
		int n = in.read(buf, 0, buf.length);
		if (n < 0) {
			throw new EOFException("Stream closed between chunks");
		}
		byte[] chunk = Arrays.copyOf(buf, n);
		if (n == buf.length) {
			this.smallReads = 0;
			if (buf.length < this.maxChunkSize) {
				this.buffer = new byte[Math.min(buf.length * 2, this.maxChunkSize)];
			}
		}
		else if (n < buf.length / 2 && buf.length > INITIAL_SIZE && ++this.smallReads >= SHRINK_AFTER) {
			this.smallReads = 0;
			this.buffer = new byte[Math.max(INITIAL_SIZE, buf.length / 2)];
		}
		return chunk;
	}

	/** The current size of the read buffer. */
	public int bufferSize() {
		return this.buffer.length;
	}

}
