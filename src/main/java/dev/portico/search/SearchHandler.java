package dev.portico.search;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import dev.portico.codec.SearchDecodeResult;
import dev.portico.codec.SearchFrameEncoder;
import dev.portico.codec.SearchFrameSerializer;
import dev.portico.codec.SearchReply;
import dev.portico.codec.SearchResponder;
import dev.portico.connection.ConnectionHandler;
import dev.portico.connection.ConnectionState;
import dev.portico.connection.FrameReader;
import dev.portico.connection.TcpServer;

/**
 * Answers search requests on the connection's own thread, so pipelined requests are answered in
 * order. Without keep-alive the connection closes after the first answer, as the reference
 * server does. A bad frame gets one {@code {"error": ...}} frame when one can still be framed,
 * then the connection closes; the event is counted by kind and logged at WARN with the peer.
 */
final class SearchHandler implements ConnectionHandler {

	/** Bytes buffered per connection: a typical request is a few hundred bytes. */
	private static final int READ_BUFFER = 4096;

	private final SearchFrameSerializer serializer;

	private final SearchResponder responder;

	private final boolean keepAlive;

	private final Timer success;

	private final Timer error;

	private TcpServer server;

	SearchHandler(String listener, SearchIndex index, int maxContentLength, boolean keepAlive, MeterRegistry meters) {
		this.serializer = new SearchFrameSerializer(maxContentLength);
		this.responder = new SearchResponder(index::get);
		this.keepAlive = keepAlive;
		this.success = timer(meters, listener, "success");
		this.error = timer(meters, listener, "error");
	}

	/** Attach the server this handler serves (they refer to each other). */
	TcpServer bind(TcpServer server) {
		this.server = server;
		return server;
	}

	/**
	 * A reader that buffers the connection's input: a frame is read as a 2-byte prefix, a header
	 * and content, which unbuffered would be a socket read each; buffered, one read usually brings
	 * the whole frame (and pipelined ones after it).
	 */
	@Override
	public FrameReader newReader(ConnectionState connection) {
		return new FrameReader() {

			private BufferedInputStream buffered;

			@Override
			public Object read(InputStream in) throws IOException {
				if (this.buffered == null) {
					this.buffered = new BufferedInputStream(in, READ_BUFFER);
				}
				return readFrame(connection, this.buffered);
			}

		};
	}

	/** Wait for a frame's first byte outside the frame timeout, then read the rest within it. */
	private SearchDecodeResult readFrame(ConnectionState connection, BufferedInputStream in) throws IOException {
		in.mark(1);
		if (in.read() < 0) {
			throw new SoftEndOfStreamException("Stream closed between frames");
		}
		in.reset();
		connection.frameStarted();
		try {
			return this.serializer.deserialize(in);
		}
		finally {
			connection.frameEnded();
		}
	}

	@Override
	public void onMessage(ConnectionState connection, Object unit) {
		long started = System.nanoTime();
		SearchReply reply = this.responder.reply((SearchDecodeResult) unit);
		if (reply.message() != null) {
			connection.write(SearchFrameEncoder.encode(reply.message()), 1);
		}
		(reply.isError() ? this.error : this.success).record(System.nanoTime() - started,
				java.util.concurrent.TimeUnit.NANOSECONDS);
		if (reply.isError()) {
			String kind = reply.error().name().toLowerCase(Locale.ROOT).replace('_', '-');
			this.server.warn(kind, "Listener '" + this.server.settings().name() + "': bad request from "
					+ connection.remoteAddress() + " (" + kind + "); answered and closed");
			connection.close(kind);
		}
		else if (!this.keepAlive) {
			connection.close("answered");
		}
	}

	private static Timer timer(MeterRegistry meters, String listener, String outcome) {
		return Timer.builder("portico.search.requests")
			.description("Search requests answered, by outcome")
			.tag("listener", listener)
			.tag("type", "search")
			.tag("outcome", outcome)
			.register(meters);
	}

}
