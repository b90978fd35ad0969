package dev.portico.echo;

import dev.portico.tcp.ChunkHandler;
import dev.portico.tcp.ConnectionState;

/**
 * Writes each chunk back before reading the next, as the blocking tutorial server does
 * with {@code recv} and {@code sendall}. A peer that does not read stops its own echo: on
 * threads the write blocks, on an event loop reading pauses once its queue is full, so
 * nothing more is read from it (backpressure) until the write timeout closes it.
 */
final class EchoHandler extends ChunkHandler {

	EchoHandler(int maxChunkSize) {
		super(maxChunkSize);
	}

	@Override
	public void onMessage(ConnectionState connection, byte[] chunk) {
		connection.write(chunk, 1);
	}

}
