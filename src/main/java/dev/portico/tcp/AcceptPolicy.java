package dev.portico.tcp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.portico.listener.RejectReason;

/**
 * Who gets in: a listener refuses connections while draining, past
 * {@code max-connections}, past the service-wide {@code portico.max-connections} and past
 * {@code max-connections-per-ip} from one address. Counts per address change atomically
 * (admission runs on the accept thread, release on whichever thread closes).
 */
final class AcceptPolicy {

	private final int maxConnections;

	private final int maxPerAddress;

	private final ConnectionLimit service;

	private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

	private volatile boolean draining;

	AcceptPolicy(TcpOptions options, ConnectionLimit service) {
		this.maxConnections = options.maxConnections();
		this.maxPerAddress = options.maxConnectionsPerIp();
		this.service = service;
	}

	/**
	 * Admit a connection from {@code address} while {@code open} are open, or say why
	 * not. An admitted connection must be {@link #release released} when it closes.
	 * @return null if admitted, else the reason it is refused
	 */
	RejectReason admit(InetAddress address, int open) {
		if (this.draining) {
			return RejectReason.DRAINING;
		}
		if (open >= this.maxConnections) {
			return RejectReason.MAX_CONNECTIONS;
		}
		if (!this.service.tryAcquire()) {
			return RejectReason.MAX_CONNECTIONS_TOTAL;
		}
		if (this.maxPerAddress > 0) {
			boolean[] admitted = new boolean[1];
			this.perAddress.compute(address, (key, count) -> {
				int current = (count != null) ? count : 0;
				if (current >= this.maxPerAddress) {
					return count;
				}
				admitted[0] = true;
				return current + 1;
			});
			if (!admitted[0]) {
				this.service.release();
				return RejectReason.MAX_CONNECTIONS_PER_IP;
			}
		}
		return null;
	}

	/** An admitted connection from {@code address} closed. */
	void release(InetAddress address) {
		this.service.release();
		if (this.maxPerAddress > 0) {
			this.perAddress.computeIfPresent(address, (key, count) -> (count <= 1) ? null : count - 1);
		}
	}

	/** Refuse everyone from now on (the first step of a graceful drain). */
	void drain() {
		this.draining = true;
	}

	/** Accept again (after a restart). */
	void reset() {
		this.draining = false;
		this.perAddress.clear();
	}

}
