package dev.portico.search;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.portico.protocol.SearchFrameEncoder;
import dev.portico.tcp.CloseReason;
import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.ConnectionState;
import dev.portico.tcp.FrameDecoder;
import dev.portico.tcp.FrameReader;
import dev.portico.tcp.TcpContext;

/**
 * Answers search requests on the thread serving the connection (its own, or an event
 * loop), so pipelined requests are answered in order. Without keep-alive the connection
 * closes after the first answer, as the reference server does. A bad frame gets one
 * {@code {"error": ...}} frame when one can still be framed, then the connection closes;
 * the event is counted by kind and logged at WARN with the peer.
 */
final class SearchHandler implements ConnectionHandler<SearchDecodeResult> {

	private final TcpContext context;

	private final SearchResponder responder;

	private final int maxContentLength;

	private final boolean keepAlive;

	private final Timer success;

	private final Timer error;

	SearchHandler(TcpContext context, SearchIndex index, int maxContentLength, boolean keepAlive,
			MeterRegistry meters) {
		this.context = context;
		this.responder = new SearchResponder(index::get);
		this.maxContentLength = maxContentLength;
		this.keepAlive = keepAlive;
		this.success = timer(meters, context.name(), "success");
		this.error = timer(meters, context.name(), "error");
	}

	/** A reader with the protocol's incremental decoder, one per connection. */
	@Override
	public FrameReader<SearchDecodeResult> newReader(ConnectionState connection) {
		return new SearchFrameReader(connection, this.maxContentLength);
	}

	@Override
	public boolean runsOnEventLoop() {
		return true;
	}

	/** The same decoding, fed by an event loop. */
	@Override
	public FrameDecoder<SearchDecodeResult> newDecoder(ConnectionState connection) {
		return new SearchFrames(connection, this.maxContentLength);
	}

	@Override
	public void onMessage(ConnectionState connection, SearchDecodeResult request) {
		long started = System.nanoTime();
		SearchReply reply = this.responder.reply(request);
		if (reply.message() != null) {
			connection.write(SearchFrameEncoder.encode(reply.message()), 1);
		}
		(reply.isError() ? this.error : this.success).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
		if (reply.isError()) {
			SearchErrorKind kind = SearchErrorKind.of(reply.error());
			this.context.log()
				.error(kind,
						"bad request from " + connection.remoteAddress() + " (" + kind.tag() + "); "
								+ ((reply.message() != null) ? "answered with an error and closed"
										: "closed without an answer"));
			connection.close(CloseReason.BAD_INPUT);
		}
		else if (!this.keepAlive) {
			connection.close(CloseReason.ANSWERED);
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
