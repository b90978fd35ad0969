package dev.portico.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/**
 * The UDP sockets this service has bound, across all its UDP listeners: a datagram that
 * claims to come from one of them is never answered, since the answer would go to this
 * service itself and start a reply loop (one forged datagram whose source is a listener's
 * own address made 276,000 datagrams in 3 s). A socket bound to a wildcard address
 * ({@code 0.0.0.0}, {@code ::}) owns its port on every local address: any loopback
 * address and every address of the machine's interfaces, which are read at most every ten
 * seconds, and only for a datagram whose source port is one of the bound ports.
 */
@Component
class UdpSockets {

	private static final long INTERFACES_TTL = TimeUnit.SECONDS.toNanos(10);

	/** Bound addresses by port; a list, since two listeners may share a port. */
	private final ConcurrentMap<Integer, List<InetAddress>> byPort = new ConcurrentHashMap<>();

	private volatile LocalAddresses local = new LocalAddresses(Set.of(), System.nanoTime() - 2 * INTERFACES_TTL);

	void add(InetSocketAddress bound) {
		this.byPort.compute(bound.getPort(), (port, addresses) -> {
			List<InetAddress> copy = (addresses != null) ? new ArrayList<>(addresses) : new ArrayList<>();
			copy.add(bound.getAddress());
			return List.copyOf(copy);
		});
	}

	void remove(InetSocketAddress bound) {
		this.byPort.computeIfPresent(bound.getPort(), (port, addresses) -> {
			List<InetAddress> copy = new ArrayList<>(addresses);
			copy.remove(bound.getAddress());
			return copy.isEmpty() ? null : List.copyOf(copy);
		});
	}

	/** Whether {@code address:port} is one of this service's bound UDP sockets. */
	boolean isOwn(InetAddress address, int port) {
		List<InetAddress> bound = this.byPort.get(port);
		if (bound == null) {
			return false;
		}
		for (InetAddress candidate : bound) {
			if (candidate.isAnyLocalAddress() ? isLocal(address) : candidate.equals(address)) {
				return true;
			}
		}
		return false;
	}

	/** Whether an address is this machine's: loopback, wildcard or an interface's. */
	boolean isLocal(InetAddress address) {
		if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
			return true;
		}
		LocalAddresses current = this.local;
		long now = System.nanoTime();
		if (now - current.readAt() > INTERFACES_TTL) {
			current = new LocalAddresses(interfaceAddresses(), now);
			this.local = current;
		}
		return current.addresses().contains(address);
	}

	private static Set<InetAddress> interfaceAddresses() {
		try {
			return NetworkInterface.networkInterfaces()
				.flatMap(NetworkInterface::inetAddresses)
				.collect(Collectors.toUnmodifiableSet());
		}
		catch (SocketException ex) {
			// no interface list: loopback and wildcard are still recognised
			return Set.of();
		}
	}

	private record LocalAddresses(Set<InetAddress> addresses, long readAt) {
	}

}
