package dev.portico.echo;

import dev.portico.protocol.ChunkReader;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.ConnectionState;
import dev.portico.tcp.FrameDecoder;
import dev.portico.tcp.FrameReader;

/**
 * Writes each chunk back before reading the next, as the blocking tutorial server does
 * with {@code recv} and {@code sendall}. A peer that does not read stops its own echo: on
 * threads the write blocks, on an event loop reading pauses once its queue is full, so
 * nothing more is read from it (backpressure) until the write timeout closes it.
 */
final class EchoHandler implements ConnectionHandler<byte[]> {

	private final int maxChunkSize;

	private final FrameDecoder<byte[]> chunks;

	EchoHandler(int maxChunkSize) {
		this.maxChunkSize = maxChunkSize;
		this.chunks = FrameDecoder.chunks(maxChunkSize);
	}

	@Override
	public FrameReader<byte[]> newReader(ConnectionState connection) {
		return new ChunkReader(this.maxChunkSize)::read;
	}

	@Override
	public boolean runsOnEventLoop() {
		return true;
	}

	@Override
	public FrameDecoder<byte[]> newDecoder(ConnectionState connection) {
		return this.chunks;
	}

	@Override
	public void onMessage(ConnectionState connection, byte[] chunk) {
		connection.write(chunk, 1);
	}

}
