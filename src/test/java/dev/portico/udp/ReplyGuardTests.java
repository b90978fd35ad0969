package dev.portico.udp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The reply guard's rules, one datagram source at a time (no sockets). */
class ReplyGuardTests {

	@Test
	void shouldRefusePortZeroAndPortsBelowTheMinimum() throws Exception {
		ReplyGuard guard = new ReplyGuard("t", new UdpSockets(), options(Map.of()), 0);
		InetAddress client = InetAddress.getByName("192.0.2.7");
		assertThat(guard.check(client, 0, 0)).isEqualTo(UdpErrorKind.DROPPED_SOURCE_PORT);
		assertThat(guard.check(client, 53, 0)).isEqualTo(UdpErrorKind.DROPPED_SOURCE_PORT);
		assertThat(guard.check(client, 1023, 0)).isEqualTo(UdpErrorKind.DROPPED_SOURCE_PORT);
		assertThat(guard.check(client, 1024, 0)).isNull();
		ReplyGuard allowing = new ReplyGuard("t", new UdpSockets(), options(Map.of("min-source-port", "1")), 0);
		assertThat(allowing.check(client, 53, 0)).isNull();
		assertThat(allowing.check(client, 0, 0)).isEqualTo(UdpErrorKind.DROPPED_SOURCE_PORT);
	}

	@Test
	void shouldRecogniseItsOwnSocketsOnEveryLocalAddressWhenBoundToTheWildcard() throws Exception {
		UdpSockets sockets = new UdpSockets();
		sockets.add(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 40000));
		sockets.add(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40001));
		ReplyGuard guard = new ReplyGuard("t", sockets, options(Map.of()), 0);
		assertThat(guard.check(InetAddress.getByName("127.0.0.9"), 40000, 0))
			.isEqualTo(UdpErrorKind.DROPPED_OWN_SOCKET);
		assertThat(guard.check(InetAddress.getByName("::1"), 40000, 0)).isEqualTo(UdpErrorKind.DROPPED_OWN_SOCKET);
		Optional<InetAddress> interfaceAddress = NetworkInterface.networkInterfaces()
			.flatMap(NetworkInterface::inetAddresses)
			.filter((address) -> address instanceof Inet4Address && !address.isLoopbackAddress())
			.findFirst();
		if (interfaceAddress.isPresent()) {
			assertThat(guard.check(interfaceAddress.get(), 40000, 0)).isEqualTo(UdpErrorKind.DROPPED_OWN_SOCKET);
		}
		// a socket bound to one address owns only that address
		assertThat(guard.check(InetAddress.getByName("127.0.0.1"), 40001, 0))
			.isEqualTo(UdpErrorKind.DROPPED_OWN_SOCKET);
		assertThat(guard.check(InetAddress.getByName("127.0.0.2"), 40001, 0)).isNull();
		assertThat(guard.check(InetAddress.getByName("192.0.2.7"), 40000, 0)).isNull();
		sockets.remove(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 40000));
		assertThat(guard.check(InetAddress.getByName("127.0.0.9"), 40000, 0)).isNull();
	}

	@Test
	void shouldKeepStateForABoundedNumberOfSourcesWhenSourcesAreForged() throws Exception {
		ReplyGuard guard = new ReplyGuard("t", new UdpSockets(), options(Map.of()), 0);
		for (int i = 0; i < 100_000; i++) {
			assertThat(guard.check(address(i), 40000, 0)).isNull();
		}
		assertThat(guard.sources()).isEqualTo(ReplyGuard.MAX_SOURCES);
	}

	@Test
	void shouldDropPastTheBurstUntilTheRateRefills() throws Exception {
		ReplyGuard guard = new ReplyGuard("t", new UdpSockets(),
				options(Map.of("reply-rate-per-source", "1000", "reply-burst-per-source", "3")), 0);
		InetAddress client = InetAddress.getByName("192.0.2.7");
		InetAddress other = InetAddress.getByName("192.0.2.8");
		for (int i = 0; i < 3; i++) {
			assertThat(guard.check(client, 40000, 0)).isNull();
		}
		assertThat(guard.check(client, 40001, 0)).isEqualTo(UdpErrorKind.DROPPED_RATE);
		// per source address: another one has its own burst
		assertThat(guard.check(other, 40000, 0)).isNull();
		assertThat(guard.check(client, 40000, 1_000_000)).isNull();
		ReplyGuard unlimited = new ReplyGuard("t", new UdpSockets(), options(Map.of("reply-rate-per-source", "0")), 0);
		for (int i = 0; i < 1000; i++) {
			assertThat(unlimited.check(client, 40000, 0)).isNull();
		}
	}

	private static InetAddress address(int i) throws UnknownHostException {
		return InetAddress.getByAddress(new byte[] { 10, (byte) (i >> 16), (byte) (i >> 8), (byte) i });
	}

	private static UdpOptions options(Map<String, String> keys) {
		return new Binder(new MapConfigurationPropertySource(keys)).bindOrCreate("", Bindable.of(UdpOptions.class));
	}

}
