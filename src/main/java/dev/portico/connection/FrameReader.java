package dev.portico.connection;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the next unit of input (a chunk or a frame) of one connection. One instance per
 * connection, so it may keep state such as a read buffer.
 */
@FunctionalInterface
public interface FrameReader {

	/**
	 * Block until the next unit is read.
	 * @param in the connection's input stream
	 * @return the unit, handed to {@link ConnectionHandler#onMessage}
	 * @throws org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException on a
	 * clean end of stream between units
	 * @throws IOException when reading fails
	 */
	Object read(InputStream in) throws IOException;

}
