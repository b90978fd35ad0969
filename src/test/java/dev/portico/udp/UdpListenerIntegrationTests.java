package dev.portico.udp;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class UdpListenerIntegrationTests extends ListenerTestSupport {

	@Test
	void shouldEchoADatagramToItsSender() throws Exception {
		Listener udp = start("udp-echo", udp(UdpReply.ECHO));
		try (DatagramSocket client = client()) {
			assertThat(roundTrip(client, udp.port(), "hello".getBytes())).isEqualTo("hello".getBytes());
		}
	}

	@Test
	void shouldAcknowledgeWithThePayloadInAckMode() throws Exception {
		Listener udp = start("udp-ack", udp(UdpReply.ACK));
		try (DatagramSocket client = client()) {
			assertThat(new String(roundTrip(client, udp.port(), "ping".getBytes()), StandardCharsets.UTF_8))
				.isEqualTo("Message received: ping");
		}
	}

	@Test
	void shouldReplyNothingInNoneModeButCountTheDatagram() throws Exception {
		Listener udp = start("udp-none", udp(UdpReply.NONE));
		try (DatagramSocket client = client()) {
			client.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> roundTrip(client, udp.port(), "quiet".getBytes()));
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> udp.stats().messagesReceived() == 1);
		assertThat(udp.stats().messagesSent()).isZero();
	}

	@Test
	void shouldEchoTheLargestDatagramIntact() throws Exception {
		Listener udp = start("udp-large", udp(UdpReply.ECHO));
		byte[] payload = new byte[UdpOptions.MAX_DATAGRAM];
		new Random(1).nextBytes(payload);
		try (DatagramSocket client = client()) {
			client.setReceiveBufferSize(1 << 20);
			assertThat(roundTrip(client, udp.port(), payload)).isEqualTo(payload);
		}
	}

	@Test
	void shouldLoseNoneOf1000DatagramsAtAModestRate() throws Exception {
		// one client, faster than the default per-source reply rate: lift the limit
		Listener udp = start("udp-many", Keys.of("udp", 0, "bind", "127.0.0.1", "reply-rate-per-source", 0));
		Set<String> replies = new HashSet<>();
		try (DatagramSocket client = client()) {
			client.setReceiveBufferSize(1 << 20);
			// a window of 10 in flight keeps the rate modest and adapts to the machine
			int sent = 0;
			while (replies.size() < 1000) {
				while (sent < 1000 && sent - replies.size() < 10) {
					byte[] message = ("datagram " + sent++).getBytes();
					client.send(new DatagramPacket(message, message.length, InetAddress.getByName(Sockets.LOOPBACK),
							udp.port()));
				}
				DatagramPacket reply = new DatagramPacket(new byte[100], 100);
				client.receive(reply);
				assertThat(replies.add(new String(reply.getData(), 0, reply.getLength()))).isTrue();
			}
		}
		assertThat(udp.stats().messagesReceived()).isEqualTo(1000);
		// a reply is counted once its send has returned, a moment after the client may
		// have read it
		await().atMost(5, TimeUnit.SECONDS).until(() -> udp.stats().messagesSent() == 1000);
	}

	private static Map<String, Object> udp(UdpReply reply) {
		return Keys.of("udp", 0, "bind", "127.0.0.1", "reply", reply.name().toLowerCase(java.util.Locale.ROOT));
	}

	private static DatagramSocket client() throws Exception {
		DatagramSocket client = new DatagramSocket(0, InetAddress.getByName(Sockets.LOOPBACK));
		client.setSoTimeout(5000);
		return client;
	}

	private static byte[] roundTrip(DatagramSocket client, int port, byte[] payload) throws Exception {
		client.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(Sockets.LOOPBACK), port));
		DatagramPacket reply = new DatagramPacket(new byte[70_000], 70_000);
		client.receive(reply);
		return Arrays.copyOf(reply.getData(), reply.getLength());
	}

}
