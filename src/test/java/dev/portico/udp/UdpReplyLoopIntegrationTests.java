package dev.portico.udp;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.RawUdp;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * UDP reply loops, as an attacker starts them: one datagram whose forged source is this
 * service's own socket, another of its listeners, port 0, a well-known port, or another
 * echo service. Forged datagrams go through a raw socket ({@link RawUdp}); each test
 * prints how many datagrams the service sent for the one it received ({@code FIGURE}).
 * Before the guard, one forged datagram made a loop that ran until the listener stopped.
 */
@ExtendWith(OutputCaptureExtension.class)
class UdpReplyLoopIntegrationTests extends ListenerTestSupport {

	private static final Duration QUIET = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Test
	void shouldNotAnswerADatagramForgedFromItsOwnAddressAndPort() {
		Listener udp = start("loop-self", udp(Sockets.LOOPBACK));
		RawUdp.send(Sockets.LOOPBACK, udp.port(), udp.port(), "loop", 1);
		awaitReceived(udp);
		assertNothingSent("one listener, source forged as itself", udp);
		assertThat(udp.stats().errors("dropped-own-socket")).isEqualTo(1);
	}

	@Test
	void shouldNotAnswerTwoListenersForgedAtEachOther() {
		Listener first = start("loop-first", udp(Sockets.LOOPBACK));
		Listener second = start("loop-second", udp(Sockets.LOOPBACK));
		RawUdp.send(Sockets.LOOPBACK, first.port(), second.port(), "ping-pong", 1);
		awaitReceived(second);
		assertNothingSent("two listeners, source forged as the other", first, second);
		assertThat(second.stats().errors("dropped-own-socket")).isEqualTo(1);
		assertThat(first.stats().messagesReceived()).isZero();
	}

	@Test
	void shouldTreatAWildcardBindAsEveryLocalAddress() {
		Listener wildcard = start("loop-wildcard", udp("0.0.0.0"));
		Listener other = start("loop-other", udp(Sockets.LOOPBACK));
		// any loopback address reaches a socket bound to 0.0.0.0: 127.0.0.3 is that
		// socket
		RawUdp.send("127.0.0.3", wildcard.port(), other.port(), "from another local address", 1);
		RawUdp.send("127.0.0.2", wildcard.port(), wildcard.port(), "to itself", 1);
		awaitReceived(other);
		awaitReceived(wildcard);
		assertNothingSent("a wildcard-bound listener, source forged as one of its local addresses", wildcard, other);
		assertThat(other.stats().errors("dropped-own-socket")).isEqualTo(1);
		assertThat(wildcard.stats().errors("dropped-own-socket")).isEqualTo(1);
	}

	@Test
	void shouldNotAnswerSourcePortZeroOrAWellKnownPortUnlessAllowed() {
		Listener udp = start("loop-ports", udp(Sockets.LOOPBACK));
		RawUdp.send(Sockets.LOOPBACK, 0, udp.port(), "port zero", 1);
		// chargen answers every datagram with another: the classic echo-chargen loop
		RawUdp.send(Sockets.LOOPBACK, 19, udp.port(), "from chargen", 1);
		await().atMost(WAIT).until(() -> udp.stats().messagesReceived() == 2);
		assertNothingSent("source port 0 and 19", udp);
		assertThat(udp.stats().errors("dropped-source-port")).isEqualTo(2);

		Listener allowing = start("loop-ports-allowed",
				Keys.of("udp", 0, "bind", Sockets.LOOPBACK, "min-source-port", 1));
		RawUdp.send(Sockets.LOOPBACK, 0, allowing.port(), "port zero", 1);
		RawUdp.send(Sockets.LOOPBACK, 19, allowing.port(), "from chargen", 1);
		await().atMost(WAIT).until(() -> allowing.stats().messagesSent() == 1);
		assertThat(allowing.stats().errors("dropped-source-port")).isEqualTo(1);
	}

	@Test
	void shouldCapALoopWithAnotherEchoServiceAtTheReplyRate() throws Exception {
		Listener udp = start("loop-peer", udp(Sockets.LOOPBACK));
		PeerLoop loop = echoPeerLoop(udp.port());
		long sent = udp.stats().messagesSent();
		System.out.printf(
				"FIGURE udp loop with another echo service (defaults: burst 100, 1000/s): %d datagrams"
						+ " sent by Portico for one packet in %.2f s, loop %s%n",
				sent, loop.seconds(), loop.ended() ? "ended" : "still running when the peer gave up");
		assertThat(sent).isLessThanOrEqualTo(100 + (long) Math.ceil(1000 * loop.seconds()) + 1);
	}

	@Test
	void shouldEndALoopFasterThanTheReplyRateWithinOneBurst() throws Exception {
		Listener udp = start("loop-peer-slow",
				Keys.of("udp", 0, "bind", Sockets.LOOPBACK, "reply-rate-per-source", 10, "reply-burst-per-source", 50));
		PeerLoop loop = echoPeerLoop(udp.port());
		long sent = udp.stats().messagesSent();
		System.out.printf("FIGURE udp loop with another echo service (burst 50, 10/s): %d datagrams sent by"
				+ " Portico for one packet%n", sent);
		assertThat(loop.ended()).as("the loop ended").isTrue();
		assertThat(sent).isBetween(50L, 50 + (long) Math.ceil(10 * loop.seconds()) + 1);
		assertThat(udp.stats().errors("dropped-rate-limit")).isEqualTo(1);
	}

	@Test
	void shouldLimitRepliesPerSourceAndLogDropsOncePerSource(CapturedOutput output) throws Exception {
		Listener udp = start("rate-log",
				Keys.of("udp", 0, "bind", Sockets.LOOPBACK, "reply-rate-per-source", 10, "reply-burst-per-source", 10));
		long began = System.nanoTime();
		try (DatagramSocket client = new DatagramSocket(0, InetAddress.getByName(Sockets.LOOPBACK))) {
			client.setReceiveBufferSize(1 << 20);
			for (int i = 0; i < 300; i++) {
				byte[] message = ("burst " + i).getBytes(StandardCharsets.US_ASCII);
				client.send(new DatagramPacket(message, message.length, InetAddress.getByName(Sockets.LOOPBACK),
						udp.port()));
			}
			await().atMost(WAIT).until(() -> udp.stats().messagesReceived() == 300);
		}
		double seconds = (System.nanoTime() - began) / 1e9;
		long sent = udp.stats().messagesSent();
		long dropped = udp.stats().errors("dropped-rate-limit");
		assertThat(sent + dropped).isEqualTo(300);
		assertThat(sent).isBetween(10L, 10 + (long) Math.ceil(10 * seconds) + 1);
		long lines = output.getOut()
			.lines()
			.filter((line) -> line.contains("Listener 'rate-log': not answering datagrams from 127.0.0.1"))
			.count();
		assertThat(lines).isEqualTo(1);
	}

	/**
	 * A socket that behaves like another echo service (a second replica, an echo server):
	 * it sends one datagram to the listener and echoes back whatever comes, until nothing
	 * has come for 500 ms (the loop ended), 10 s or 200,000 datagrams.
	 */
	private static PeerLoop echoPeerLoop(int port) throws Exception {
		long echoed = 0;
		boolean ended = false;
		long began = System.nanoTime();
		try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getByName(Sockets.LOOPBACK))) {
			peer.setSoTimeout(500);
			byte[] first = "hello".getBytes(StandardCharsets.US_ASCII);
			peer.send(new DatagramPacket(first, first.length, InetAddress.getByName(Sockets.LOOPBACK), port));
			DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
			long deadline = began + Duration.ofSeconds(10).toNanos();
			while (echoed < 200_000 && System.nanoTime() < deadline) {
				packet.setLength(2048);
				try {
					peer.receive(packet);
				}
				catch (SocketTimeoutException ex) {
					ended = true;
					break;
				}
				peer.send(new DatagramPacket(Arrays.copyOf(packet.getData(), packet.getLength()), packet.getLength(),
						packet.getSocketAddress()));
				echoed++;
			}
		}
		return new PeerLoop(echoed, ended, (System.nanoTime() - began) / 1e9);
	}

	private static Map<String, Object> udp(String bind) {
		return Keys.of("udp", 0, "bind", bind);
	}

	private static void awaitReceived(Listener listener) {
		await().atMost(WAIT).until(() -> listener.stats().messagesReceived() >= 1);
	}

	/**
	 * Nothing is sent for a second, and the figure: datagrams sent for the forged one.
	 */
	private static void assertNothingSent(String attack, Listener... listeners) {
		await().during(QUIET)
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(sent(listeners))
				.as("datagrams sent by Portico for one forged datagram (%s)", attack)
				.isZero());
		System.out.printf("FIGURE udp loop, %s: %d datagrams sent for one forged datagram%n", attack, sent(listeners));
	}

	/** What the echoing peer saw. */
	private record PeerLoop(long echoed, boolean ended, double seconds) {
	}

	private static long sent(Listener... listeners) {
		return Arrays.stream(listeners).mapToLong((listener) -> listener.stats().messagesSent()).sum();
	}

}
