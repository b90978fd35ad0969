package dev.portico.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the next unit of input (a chunk or a frame) of one connection. One instance per
 * connection, so it may keep state such as a read buffer or a decoder.
 *
 * @param <T> what a unit is
 */
@FunctionalInterface
public interface FrameReader<T> {

	/**
	 * Block until the next unit is read.
	 * @param in the connection's input stream
	 * @return the unit, handed to {@link ConnectionHandler#onMessage}
	 * @throws EOFException on a clean end of stream between units
	 * @throws IOException when reading fails
	 */
	T read(InputStream in) throws IOException;

}
