package dev.portico.tcp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a server's connections whose peer stopped reading (a write blocked past the
 * write timeout), trickles a frame (begun but not whole within the frame timeout) or
 * sends nothing (idle), and connections still being set up whose PROXY protocol header
 * does not arrive within the frame timeout or whose TLS handshake does not finish within
 * the handshake timeout. Blocking sockets have no write or frame timeouts of their own,
 * and a read timeout would cost a timer per read; one periodic sweep per listener costs a
 * pass over its connections.
 */
final class Watchdog {

	private final TcpServer<?> server;

	private final long writeLimit;

	private final long frameLimit;

	private final long idleLimit;

	private final long handshakeLimit;

	private final TcpOptions options;

	private final EdgeOptions edge;

	Watchdog(TcpServer<?> server, TcpOptions options, EdgeOptions edge) {
		this.server = server;
		this.options = options;
		this.edge = edge;
		this.writeLimit = nanosOrMax(options.writeTimeout());
		this.frameLimit = nanosOrMax(options.frameTimeout());
		this.idleLimit = nanosOrMax(options.idleTimeout());
		this.handshakeLimit = edge.tls() ? nanosOrMax(edge.ssl().handshakeTimeout()) : Long.MAX_VALUE;
	}

	/** Sweep every tenth of the shortest timeout, between 50 ms and 1 s. */
	ScheduledFuture<?> schedule(ScheduledExecutorService scheduler) {
		long shortest = Math.min(Math.min(this.writeLimit, this.handshakeLimit),
				Math.min(this.frameLimit, this.idleLimit));
		long period = Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(shortest) / 10));
		return scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	void sweep() {
		long now = System.nanoTime();
		for (ConnectionState state : this.server.settingUp()) {
			ConnectionSetup.Phase phase = state.setupPhase();
			if (phase == ConnectionSetup.Phase.PROXY_HEADER && state.setupAgeNanos(now) > this.frameLimit) {
				this.server.log()
					.error(TcpErrorKind.PROXY_PROTOCOL,
							"closing " + state.remoteAddress() + ": no whole PROXY protocol header within "
									+ this.options.frameTimeout().toMillis() + " ms");
				state.close(CloseReason.PROXY_PROTOCOL);
			}
			else if (phase == ConnectionSetup.Phase.TLS_HANDSHAKE && state.setupAgeNanos(now) > this.handshakeLimit) {
				this.server.log()
					.error(TcpErrorKind.TLS,
							"closing " + state.remoteAddress() + ": the TLS handshake did not finish within "
									+ this.edge.ssl().handshakeTimeout().toMillis() + " ms");
				state.close(CloseReason.TLS);
			}
			else if (state.idleNanos(now) > this.idleLimit) {
				this.server.log()
					.routine(TcpErrorKind.IDLE_TIMEOUT, "closing idle connection " + state.remoteAddress());
				state.close(CloseReason.IDLE_TIMEOUT);
			}
		}
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
