package dev.portico.search;

import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.portico.search.SearchDecodeResult;
import dev.portico.protocol.SearchFrameEncoder;
import dev.portico.search.SearchReply;
import dev.portico.search.SearchResponder;
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

	private final int maxContentLength;

	private final SearchResponder responder;

	private final boolean keepAlive;

	private final Timer success;

	private final Timer error;

	private TcpServer server;

	SearchHandler(String listener, SearchIndex index, int maxContentLength, boolean keepAlive, MeterRegistry meters) {
		this.maxContentLength = maxContentLength;
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

	/** A reader with the protocol's incremental decoder, one per connection. */
	@Override
	public FrameReader newReader(ConnectionState connection) {
		return new SearchFrameReader(connection, this.maxContentLength);
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
