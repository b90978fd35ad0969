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
			workers.add(pool.submit(() -> {
				go.await();
				for (int i = 0; i < 20_000; i++) {
					if (policy.admit(address, 0) == null) {
						most.accumulateAndGet(admitted.incrementAndGet(), Math::max);
						admitted.decrementAndGet();
						policy.release(address);
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
			assertThat(policy.admit(address, 0)).isNull();
		}
		assertThat(policy.admit(address, 0)).isEqualTo(RejectReason.MAX_CONNECTIONS_PER_IP);
	}

	@Test
	void shouldShareTheServiceWideLimitAcrossListenersAndGiveSlotsBack() throws Exception {
		ConnectionLimit service = new ConnectionLimit(3);
		AcceptPolicy first = new AcceptPolicy(options(Map.of()), service);
		AcceptPolicy second = new AcceptPolicy(options(Map.of("max-connections-per-ip", "1")), service);
		InetAddress one = InetAddress.getByName("192.0.2.1");
		InetAddress two = InetAddress.getByName("192.0.2.2");
		assertThat(first.admit(one, 0)).isNull();
		assertThat(second.admit(two, 0)).isNull();
		// refused per address: the service slot it took is given back
		assertThat(second.admit(two, 1)).isEqualTo(RejectReason.MAX_CONNECTIONS_PER_IP);
		assertThat(service.open()).isEqualTo(2);
		assertThat(first.admit(one, 1)).isNull();
		assertThat(first.admit(one, 2)).isEqualTo(RejectReason.MAX_CONNECTIONS_TOTAL);
		assertThat(second.admit(one, 1)).isEqualTo(RejectReason.MAX_CONNECTIONS_TOTAL);
		first.release(one);
		assertThat(second.admit(one, 1)).isNull();
		assertThat(service.open()).isEqualTo(3);
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
