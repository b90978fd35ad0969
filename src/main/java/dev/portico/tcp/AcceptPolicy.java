package dev.portico.tcp;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.portico.listener.RejectReason;

/**
 * Who gets in: a listener refuses connections while draining, past
 * {@code max-connections}, past the service-wide {@code portico.max-connections} and past
 * {@code max-connections-per-ip} from one address.
 *
 * <p>
 * Admission has two steps, because behind a balancer the peer's address is known only
 * once its PROXY protocol header is read: the listener-wide and service-wide checks run
 * at accept ({@link #admit}), the per-address one as soon as the address is known
 * ({@link #admitAddress}: at accept, or after the header on the connection's thread).
 * Counts change atomically; each connection is remembered by id with what it holds (a
 * service-wide slot, a count against its address), so that {@link #release} frees exactly
 * that, once, whichever thread closes it.
 */
final class AcceptPolicy {

	private final int maxConnections;

	private final int maxPerAddress;

	private final ConnectionLimit service;

	private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

	/** Connections holding a service-wide slot. */
	private final Set<String> holding = ConcurrentHashMap.newKeySet();

	/** The address each connection counts against. */
	private final ConcurrentMap<String, InetAddress> counted = new ConcurrentHashMap<>();

	private volatile boolean draining;

	AcceptPolicy(TcpOptions options, ConnectionLimit service) {
		this.maxConnections = options.maxConnections();
		this.maxPerAddress = options.maxConnectionsPerIp();
		this.service = service;
	}

	/**
	 * Admit connection {@code id} while {@code open} are open (or being set up), or say
	 * why not. An admitted connection must be {@link #release released} when it closes.
	 * @return null if admitted, else the reason it is refused
	 */
	RejectReason admit(String id, int open) {
		if (this.draining) {
			return RejectReason.DRAINING;
		}
		if (open >= this.maxConnections) {
			return RejectReason.MAX_CONNECTIONS;
		}
		if (!this.service.tryAcquire()) {
			return RejectReason.MAX_CONNECTIONS_TOTAL;
		}
		this.holding.add(id);
		return null;
	}

	/**
	 * Admit connection {@code id} from {@code address}, or say why not; a refused one
	 * must still be {@link #release released}.
	 * @return null if admitted, else the reason it is refused
	 */
	RejectReason admitAddress(String id, InetAddress address) {
		if (this.maxPerAddress <= 0) {
			return null;
		}
		boolean[] accepted = new boolean[1];
		this.perAddress.compute(address, (key, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.maxPerAddress) {
				return count;
			}
			accepted[0] = true;
			return current + 1;
		});
		if (!accepted[0]) {
			return RejectReason.MAX_CONNECTIONS_PER_IP;
		}
		this.counted.put(id, address);
		return null;
	}

	/**
	 * Connection {@code id} closed or was refused: free what it holds. Releasing twice,
	 * or a connection never admitted, is a no-op.
	 */
	void release(String id) {
		if (this.holding.remove(id)) {
			this.service.release();
		}
		if (this.maxPerAddress > 0) {
			InetAddress address = this.counted.remove(id);
			if (address != null) {
				this.perAddress.computeIfPresent(address, (key, count) -> (count <= 1) ? null : count - 1);
			}
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
		this.counted.clear();
	}

}
