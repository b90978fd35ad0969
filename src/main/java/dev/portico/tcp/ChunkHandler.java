package dev.portico.tcp;

import dev.portico.protocol.ChunkReader;

/**
 * A handler for listeners that take bytes as they come, in chunks of at most
 * {@code max-chunk-size} with no framing: echo and multiconn. It reads on threads and on
 * an event loop alike; subclasses say what a chunk does.
 */
public abstract class ChunkHandler implements ConnectionHandler<byte[]> {

	private final int maxChunkSize;

	private final FrameDecoder<byte[]> chunks;

	protected ChunkHandler(int maxChunkSize) {
		this.maxChunkSize = maxChunkSize;
		this.chunks = FrameDecoder.chunks(maxChunkSize);
	}

	@Override
	public final FrameReader<byte[]> newReader(ConnectionState connection) {
		return new ChunkReader(this.maxChunkSize)::read;
	}

	@Override
	public final boolean runsOnEventLoop() {
		return true;
	}

	@Override
	public final FrameDecoder<byte[]> newDecoder(ConnectionState connection) {
		return this.chunks;
	}

}
