package dev.portico.listener;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One listener's account of bad events: each is counted once in its {@link TrafficStats}
 * and logged at WARN, at most once per kind every ten seconds (with the number suppressed
 * since), so a flood of bad clients gives a few log lines, not a log storm.
 */
public final class ListenerLog {

	private static final Log logger = LogFactory.getLog(ListenerLog.class);

	private final String listener;

	private final TrafficStats stats;

	private final RateLimitedLog warnings;

	public ListenerLog(String listener, TrafficStats stats) {
		this.listener = listener;
		this.stats = stats;
		this.warnings = new RateLimitedLog(logger, Duration.ofSeconds(10));
	}

	/** The listener's name. */
	public String listener() {
		return this.listener;
	}

	/** Count an error and log it (rate-limited), prefixed with the listener's name. */
	public void error(ErrorKind kind, String message) {
		this.stats.error(kind);
		this.warnings.warn(kind.tag(), "Listener '" + this.listener + "': " + message);
	}

	/**
	 * Count an error that is routine (an idle connection reclaimed): logged at DEBUG
	 * only.
	 */
	public void routine(ErrorKind kind, String message) {
		this.stats.error(kind);
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + this.listener + "': " + message);
		}
	}

	/** Count a refused connection and log it (rate-limited). */
	public void rejected(RejectReason reason, String peer) {
		this.stats.rejected(reason);
		this.warnings.warn("rejected-" + reason.tag(),
				"Listener '" + this.listener + "': refused " + peer + " (" + reason.tag() + ")");
	}

}
