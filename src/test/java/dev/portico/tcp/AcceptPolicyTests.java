package dev.portico.tcp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.portico.listener.RejectReason;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission under concurrency: counts per address and service-wide never drift. */
class AcceptPolicyTests {

	@Test
	void shouldNeverAdmitMoreThanThePerAddressLimitWhenAdmitsAndReleasesRace() throws Exception {
		AcceptPolicy policy = new AcceptPolicy(options(Map.of("max-connections-per-ip", "3")),
				new ConnectionLimit(1000));
		InetAddress address = InetAddress.getLoopbackAddress();
		AtomicInteger admitted = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			String worker = "w" + t + "-";
			workers.add(pool.submit(() -> {
				go.await();
				for (int i = 0; i < 20_000; i++) {
					String id = worker + i;
					if (admit(policy, id, address, 0) == null) {
						most.accumulateAndGet(admitted.incrementAndGet(), Math::max);
						admitted.decrementAndGet();
						policy.release(id);
					}
				}
				return null;
			}));
		}
		go.countDown();
		for (Future<?> worker : workers) {
			worker.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		assertThat(most.get()).isBetween(1, 3);
		// every release was counted: the full allowance is there again, and no more
		for (int i = 0; i < 3; i++) {
			assertThat(admit(policy, "again-" + i, address, 0)).isNull();
		}
		assertThat(admit(policy, "again-4", address, 0)).isEqualTo(RejectReason.MAX_CONNECTIONS_PER_IP);
	}

	@Test
	void shouldShareTheServiceWideLimitAcrossListenersAndGiveSlotsBack() throws Exception {
		ConnectionLimit service = new ConnectionLimit(3);
		AcceptPolicy first = new AcceptPolicy(options(Map.of()), service);
		AcceptPolicy second = new AcceptPolicy(options(Map.of("max-connections-per-ip", "1")), service);
		InetAddress one = InetAddress.getByName("192.0.2.1");
		InetAddress two = InetAddress.getByName("192.0.2.2");
		assertThat(admit(first, "a", one, 0)).isNull();
		assertThat(admit(second, "b", two, 0)).isNull();
		// refused per address: the service slot it took is given back
		assertThat(admit(second, "c", two, 1)).isEqualTo(RejectReason.MAX_CONNECTIONS_PER_IP);
		assertThat(service.open()).isEqualTo(2);
		assertThat(admit(first, "d", one, 1)).isNull();
		assertThat(admit(first, "e", one, 2)).isEqualTo(RejectReason.MAX_CONNECTIONS_TOTAL);
		assertThat(admit(second, "f", one, 1)).isEqualTo(RejectReason.MAX_CONNECTIONS_TOTAL);
		first.release("a");
		assertThat(admit(second, "g", one, 1)).isNull();
		assertThat(service.open()).isEqualTo(3);
	}

	@Test
	void shouldCountTheAddressKnownLaterAndReleaseEachConnectionOnce() throws Exception {
		ConnectionLimit service = new ConnectionLimit(10);
		AcceptPolicy policy = new AcceptPolicy(options(Map.of("max-connections-per-ip", "1")), service);
		InetAddress balancer = InetAddress.getByName("192.0.2.1");
		InetAddress client = InetAddress.getByName("203.0.113.7");
		// at accept the peer is a balancer; its PROXY header names the client later
		assertThat(policy.admit("one", 0)).isNull();
		assertThat(policy.admit("two", 1)).isNull();
		assertThat(policy.admitAddress("one", client)).isNull();
		assertThat(policy.admitAddress("two", client)).isEqualTo(RejectReason.MAX_CONNECTIONS_PER_IP);
		policy.release("two");
		assertThat(policy.admitAddress("three", balancer)).isNull();
		policy.release("one");
		policy.release("one");
		assertThat(service.open()).isZero();
		assertThat(policy.admit("four", 0)).isNull();
		assertThat(policy.admitAddress("four", client)).isNull();
	}

	/** As {@link TcpServer} admits a connection whose address is known at accept. */
	private static RejectReason admit(AcceptPolicy policy, String id, InetAddress address, int open) {
		RejectReason refused = policy.admit(id, open);
		if (refused == null) {
			refused = policy.admitAddress(id, address);
			if (refused != null) {
				policy.release(id);
			}
		}
		return refused;
	}

	@Test
	void shouldShipALimitPerAddressAndAServiceWideCapThatFitTheFileDescriptors() {
		TcpOptions defaults = options(Map.of());
		assertThat(defaults.maxConnectionsPerIp()).isEqualTo(1000);
		ConnectionLimit limit = ConnectionLimit.forProcess(10_000);
		long descriptors = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
		assertThat(limit.max()).isLessThanOrEqualTo(10_000)
			.isLessThanOrEqualTo((int) Math.max(descriptors - ConnectionLimit.HEADROOM, descriptors / 2));
	}

	private static TcpOptions options(Map<String, String> keys) {
		return new Binder(new MapConfigurationPropertySource(keys)).bindOrCreate("", Bindable.of(TcpOptions.class));
	}

}
