package dev.portico.udp;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.portico.listener.TokenBucket;

/**
 * Decides whether a UDP listener may answer a datagram. A datagram's source address
 * cannot be authenticated, so anyone can forge it to aim the answers elsewhere: at this
 * service itself, at another echo service or at a well-known port. The guard refuses what
 * can only start a reply loop (a source that is one of this service's own UDP sockets,
 * source port 0, a port below {@code min-source-port}: DNS, NTP, echo, chargen) and
 * limits the replies to any one source address with a token bucket
 * ({@code reply-rate-per-source}, {@code reply-burst-per-source}), which ends a loop with
 * a remote echo service within one burst (a loop is one datagram in flight: the first one
 * dropped ends it).
 *
 * <p>
 * Per-source state (the bucket and when drops were last logged) is kept for at most
 * {@value #MAX_SOURCES} sources, least recently seen evicted first, so forged sources
 * cannot grow the heap. Drops are logged at WARN once per source per minute, and at most
 * {@value #MAX_LINES_PER_MINUTE} lines per minute per listener; each is counted in
 * {@code portico.errors}. Used only by the listener's receive thread, so it takes no
 * lock.
 */
final class ReplyGuard {

	/** Sources whose state is kept; the least recently seen goes first. */
	static final int MAX_SOURCES = 16_384;

	static final int MAX_LINES_PER_MINUTE = 100;

	private static final Log logger = LogFactory.getLog(ReplyGuard.class);

	private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

	private final String listener;

	private final UdpSockets sockets;

	private final int minSourcePort;

	private final int ratePerSource;

	private final int burstPerSource;

	private final Map<InetAddress, Source> sources = new LinkedHashMap<>(256, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<InetAddress, Source> eldest) {
			return size() > MAX_SOURCES;
		}

	};

	private long linesWindowStart;

	private int linesInWindow;

	private long suppressedLines;

	ReplyGuard(String listener, UdpSockets sockets, UdpOptions options, long nowNanos) {
		this.listener = listener;
		this.sockets = sockets;
		this.minSourcePort = options.minSourcePort();
		this.ratePerSource = options.replyRatePerSource();
		this.burstPerSource = options.replyBurstPerSource();
		this.linesWindowStart = nowNanos;
	}

	/**
	 * Whether a datagram from {@code address:port} may be answered.
	 * @return null to answer it, else why it is dropped
	 */
	UdpErrorKind check(InetAddress address, int port, long nowNanos) {
		if (port == 0 || port < this.minSourcePort) {
			return UdpErrorKind.DROPPED_SOURCE_PORT;
		}
		if (this.sockets.isOwn(address, port)) {
			return UdpErrorKind.DROPPED_OWN_SOCKET;
		}
		if (this.ratePerSource > 0 && !source(address, nowNanos).bucket().tryTake(nowNanos)) {
			return UdpErrorKind.DROPPED_RATE;
		}
		return null;
	}

	/**
	 * Log a drop, once per source per minute and within the listener's budget of lines.
	 */
	void logDrop(UdpErrorKind kind, InetAddress address, int port, long nowNanos) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		Source source = source(address, nowNanos);
		if (source.loggedAt != 0 && nowNanos - source.loggedAt < MINUTE) {
			source.suppressed++;
			return;
		}
		if (nowNanos - this.linesWindowStart >= MINUTE) {
			this.linesWindowStart = nowNanos;
			this.linesInWindow = 0;
		}
		if (this.linesInWindow >= MAX_LINES_PER_MINUTE) {
			this.suppressedLines++;
			return;
		}
		this.linesInWindow++;
		source.loggedAt = nowNanos;
		long earlier = source.suppressed;
		source.suppressed = 0;
		long otherSources = this.suppressedLines;
		this.suppressedLines = 0;
		logger.warn("Listener '" + this.listener + "': not answering datagrams from " + address.getHostAddress() + ":"
				+ port + " (" + reason(kind) + "); further drops from " + address.getHostAddress()
				+ " are counted in portico.errors{kind=" + kind.tag() + "} and logged again in a minute"
				+ ((earlier > 0) ? " (" + earlier + " dropped since the last report)" : "")
				+ ((otherSources > 0) ? " (" + otherSources + " reports about other sources suppressed)" : ""));
	}

	/** How many sources have state now. */
	int sources() {
		return this.sources.size();
	}

	private String reason(UdpErrorKind kind) {
		return switch (kind) {
			case DROPPED_OWN_SOCKET -> "it is one of this service's own UDP sockets: an answer would loop";
			case DROPPED_SOURCE_PORT -> "source port 0 or below min-source-port " + this.minSourcePort
					+ ", a well-known service that may answer back";
			case DROPPED_RATE ->
				"more than reply-rate-per-source " + this.ratePerSource + "/s, burst " + this.burstPerSource;
			default -> kind.tag();
		};
	}

	private Source source(InetAddress address, long nowNanos) {
		Source source = this.sources.get(address);
		if (source == null) {
			source = new Source(new TokenBucket(this.burstPerSource, Math.max(1, this.ratePerSource), nowNanos));
			this.sources.put(address, source);
		}
		return source;
	}

	/** What is kept per source address. */
	private static final class Source {

		private final TokenBucket bucket;

		private long loggedAt;

		private long suppressed;

		Source(TokenBucket bucket) {
			this.bucket = bucket;
		}

		TokenBucket bucket() {
			return this.bucket;
		}

	}

}
