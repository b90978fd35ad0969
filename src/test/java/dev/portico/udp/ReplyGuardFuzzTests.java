package dev.portico.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test of the UDP {@link ReplyGuard} against forged sources: whatever the sources,
 * ports and timing, a datagram from port 0, a port below {@code min-source-port} or one
 * of the service's own sockets is never answered, and no source address is answered more
 * than its burst plus its rate over the time that passed.
 */
class ReplyGuardFuzzTests {

	/**
	 * Input: burst (1 to 50), rate (1 to 1000 per second), minimum source port (1 to
	 * 2000), then datagrams: a source (one of 8 addresses), a port, and the nanoseconds
	 * since the previous one (0 to 10 ms).
	 */
	@FuzzTest(maxDuration = "5m")
	void shouldNeverAnswerALoopSourceNorPassTheRate(FuzzedDataProvider data) throws UnknownHostException {
		int burst = data.consumeInt(1, 50);
		int rate = data.consumeInt(1, 1000);
		int minPort = data.consumeInt(1, 2000);
		UdpSockets sockets = new UdpSockets();
		sockets.add(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000));
		sockets.add(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 40001));
		// built directly: classes the fuzzer instruments lose the parameter names binding
		// needs
		ReplyGuard guard = new ReplyGuard("fuzz", sockets,
				new UdpOptions(UdpReply.ECHO, DataSize.ofBytes(UdpOptions.MAX_DATAGRAM), rate, burst, minPort), 0);
		Map<InetAddress, Integer> answered = new HashMap<>();
		long now = 0;
		while (data.remainingBytes() > 0) {
			InetAddress source = InetAddress.getByAddress(new byte[] { 127, 0, 0, (byte) data.consumeInt(1, 8) });
			int port = data.consumeInt(0, 65535);
			now += data.consumeLong(0, 10_000_000);
			UdpErrorKind dropped = guard.check(source, port, now);
			if (port == 0 || port < minPort) {
				assertThat(dropped).isEqualTo(UdpErrorKind.DROPPED_SOURCE_PORT);
			}
			else if (port == 40001 || (port == 40000 && source.getAddress()[3] == 1)) {
				assertThat(dropped).isEqualTo(UdpErrorKind.DROPPED_OWN_SOCKET);
			}
			else if (dropped == null) {
				int count = answered.merge(source, 1, Integer::sum);
				assertThat((double) count).isLessThanOrEqualTo(burst + rate * (now / 1e9) + 1);
			}
			else {
				assertThat(dropped).isEqualTo(UdpErrorKind.DROPPED_RATE);
			}
		}
	}

}
