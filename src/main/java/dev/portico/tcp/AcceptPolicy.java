package dev.portico.tcp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.portico.listener.RejectReason;

/**
 * Who gets in: a listener refuses connections while draining, past
 * {@code max-connections} and past {@code max-connections-per-ip} from one address.
 *
 * <p>
 * Admission has two steps, because behind a balancer the peer's address is known only
 * once its PROXY protocol header is read: the listener-wide checks run at accept
 * ({@link #admit}), the per-address one as soon as the address is known
 * ({@link #admitAddress}: at accept, or after the header on the connection's thread).
 * Counts per address change atomically; each admitted connection is remembered by id with
 * the address it counted against, so that its release frees exactly that count.
 */
final class AcceptPolicy {

	private final int maxConnections;

	private final int maxPerAddress;

	private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, InetAddress> admitted = new ConcurrentHashMap<>();

	private volatile boolean draining;

	AcceptPolicy(TcpOptions options) {
		this.maxConnections = options.maxConnections();
		this.maxPerAddress = options.maxConnectionsPerIp();
	}

	/**
	 * Admit a connection while {@code open} are open (or being set up), or say why not.
	 * @return null if admitted, else the reason it is refused
	 */
	RejectReason admit(int open) {
		if (this.draining) {
			return RejectReason.DRAINING;
		}
		if (open >= this.maxConnections) {
			return RejectReason.MAX_CONNECTIONS;
		}
		return null;
	}

	/**
	 * Admit connection {@code id} from {@code address}, or say why not. An admitted
	 * connection must be {@link #release released} when it closes.
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
		this.admitted.put(id, address);
		return null;
	}

	/**
	 * Connection {@code id} closed; releasing twice, or one never admitted, is a no-op.
	 */
	void release(String id) {
		if (this.maxPerAddress > 0) {
			InetAddress address = this.admitted.remove(id);
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
		this.admitted.clear();
	}

}
