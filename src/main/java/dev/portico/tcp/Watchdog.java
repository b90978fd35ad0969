package dev.portico.tcp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a server's connections whose peer stopped reading (a write blocked past the
 * write timeout), trickles a frame (begun but not whole within the frame timeout) or
 * sends nothing (idle). Blocking sockets have no write or frame timeouts of their own,
 * and a read timeout would cost a timer per read; one periodic sweep per listener costs a
 * pass over its connections.
 */
final class Watchdog {

	private final TcpServer<?> server;

	private final long writeLimit;

	private final long frameLimit;

	private final long idleLimit;

	private final TcpOptions options;

	Watchdog(TcpServer<?> server, TcpOptions options) {
		this.server = server;
		this.options = options;
		this.writeLimit = nanosOrMax(options.writeTimeout());
		this.frameLimit = nanosOrMax(options.frameTimeout());
		this.idleLimit = nanosOrMax(options.idleTimeout());
	}

	/** Sweep every tenth of the shortest timeout, between 50 ms and 1 s. */
	ScheduledFuture<?> schedule(ScheduledExecutorService scheduler) {
		long shortest = Math.min(this.writeLimit, Math.min(this.frameLimit, this.idleLimit));
		long period = Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(shortest) / 10));
		return scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	void sweep() {
		long now = System.nanoTime();
		for (ConnectionState state : this.server.connections()) {
			long blocked = state.writeBlockedNanos(now);
			if (blocked == 0 && state.idleNanos(now) > this.idleLimit) {
				this.server.log()
					.routine(TcpErrorKind.IDLE_TIMEOUT, "closing idle connection " + state.remoteAddress());
				state.close(CloseReason.IDLE_TIMEOUT);
			}
			else if (blocked > this.writeLimit) {
				this.server.log()
					.error(TcpErrorKind.WRITE_TIMEOUT, "closing " + state.remoteAddress() + ": it has not read for "
							+ this.options.writeTimeout().toMillis() + " ms");
				state.close(CloseReason.WRITE_TIMEOUT);
			}
			else if (state.frameAgeNanos(now) > this.frameLimit) {
				this.server.log()
					.error(TcpErrorKind.FRAME_TIMEOUT,
							"closing " + state.remoteAddress() + ": a frame did not arrive whole within "
									+ this.options.frameTimeout().toMillis() + " ms");
				state.close(CloseReason.FRAME_TIMEOUT);
			}
		}
	}

	private static long nanosOrMax(Duration timeout) {
		return timeout.isZero() ? Long.MAX_VALUE : timeout.toNanos();
	}

}
