package dev.portico.echo;

import dev.portico.protocol.ChunkReader;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.ConnectionState;
import dev.portico.tcp.FrameReader;

/**
 * Writes each chunk back on the reader's own thread before reading the next, as the
 * blocking tutorial server does with {@code recv} and {@code sendall}. A peer that does
 * not read stops its own echo: the write blocks, so nothing more is read from it
 * (backpressure), until the write timeout closes it.
 */
final class EchoHandler implements ConnectionHandler<byte[]> {

	private final int maxChunkSize;

	EchoHandler(int maxChunkSize) {
		this.maxChunkSize = maxChunkSize;
	}

	@Override
	public FrameReader<byte[]> newReader(ConnectionState connection) {
		return new ChunkReader(this.maxChunkSize)::read;
	}

	@Override
	public void onMessage(ConnectionState connection, byte[] chunk) {
		connection.write(chunk, 1);
	}

}
