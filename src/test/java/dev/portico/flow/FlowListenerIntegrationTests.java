package dev.portico.flow;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.channel.PublishSubscribeChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerOutcome;
import dev.portico.listener.PorticoHeaders;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Listeners as Spring Integration endpoints: an application flow subscribed to a
 * listener's inbound channel, a {@code flow} listener whose answers are the flow's
 * replies, and messages sent to a listener's outbound channel.
 */
@Import(FlowListenerIntegrationTests.Flows.class)
class FlowListenerIntegrationTests extends ListenerTestSupport {

	@Autowired
	private Flows flows;

	@Autowired
	private DirectChannel echoOut;

	@Test
	void shouldAnswerWithTheFlowsReplyFramedAsConfigured() throws Exception {
		Listener upper = start("flow-upper", Keys.of("flow", 0, "framing", "crlf", "inbound-channel", "upperIn"));
		try (Socket socket = Sockets.connect(upper.port())) {
			socket.getOutputStream().write("hello\r\nworld\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(new String(Sockets.readExactly(socket.getInputStream(), 14), StandardCharsets.US_ASCII))
				.isEqualTo("HELLO\r\nWORLD\r\n");
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> upper.stats().messagesSent() == 2);
		assertThat(upper.stats().messagesReceived()).isEqualTo(2);
	}

	@Test
	void shouldHandEveryMessageWithItsHeadersToAFlowSubscribedToAnEchoListener() throws Exception {
		Listener echo = start("flow-tap", Keys.of("echo", 0, "inbound-channel", "echoTap"));
		try (Socket socket = Sockets.connect(echo.port())) {
			InputStream in = socket.getInputStream();
			for (String word : List.of("one", "two", "three")) {
				socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
				// echo still answers: the tap is a copy
				assertThat(new String(Sockets.readExactly(in, word.length()), StandardCharsets.US_ASCII))
					.isEqualTo(word);
			}
			await().atMost(5, TimeUnit.SECONDS).until(() -> this.flows.tapped.size() == 3);
			String id = echo.connections().iterator().next().id();
			assertThat(this.flows.tapped).extracting((message) -> new String((byte[]) message.getPayload()))
				.containsExactly("one", "two", "three");
			for (Message<?> message : this.flows.tapped) {
				assertThat(message.getHeaders().get(IpHeaders.CONNECTION_ID)).isEqualTo(id);
				assertThat(message.getHeaders().get(IpHeaders.IP_ADDRESS)).isEqualTo(Sockets.LOOPBACK);
				assertThat(message.getHeaders().get(IpHeaders.REMOTE_PORT)).isEqualTo(socket.getLocalPort());
				assertThat(message.getHeaders().get(PorticoHeaders.LISTENER)).isEqualTo("flow-tap");
			}
		}
	}

	@Test
	void shouldWriteOutboundMessagesThroughTheConnectionsBoundedQueue() throws Exception {
		Listener echo = start("flow-out", Keys.of("echo", 0, "outbound-channel", "echoOut", "max-queued-bytes", "1KB"));
		try (Socket socket = Sockets.connect(echo.port())) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 1);
			String id = echo.connections().iterator().next().id();
			this.echoOut.send(MessageBuilder.withPayload("pushed\n").setHeader(IpHeaders.CONNECTION_ID, id).build());
			assertThat(new String(Sockets.readExactly(socket.getInputStream(), 7), StandardCharsets.US_ASCII))
				.isEqualTo("pushed\n");
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().messagesSent() == 1);
			assertThat(echo.stats().bytesSent()).isEqualTo(7);
			assertThatExceptionOfType(MessageDeliveryException.class).isThrownBy(() -> this.echoOut
				.send(MessageBuilder.withPayload("x").setHeader(IpHeaders.CONNECTION_ID, "no-such").build()));
		}
	}

	@Test
	void shouldRefuseAFlowListenerWithoutAnInboundChannelOrWithAnUnknownOne() {
		ListenerOutcome none = this.registry.create("flow-bad", Map.of("type", "flow", "port", 0));
		assertThat(none.result()).isEqualTo(ListenerOutcome.Result.INVALID);
		assertThat(none.detail()).contains("inbound-channel");
		ListenerOutcome unknown = this.registry.create("flow-bad",
				Map.of("type", "flow", "port", 0, "inbound-channel", "nowhere"));
		assertThat(unknown.detail()).contains("no MessageChannel bean named 'nowhere'");
	}

	/** The application's side: the flows and channels a user would declare. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Flows {

		final List<Message<?>> tapped = new CopyOnWriteArrayList<>();

		@Bean
		PublishSubscribeChannel echoTap() {
			return new PublishSubscribeChannel();
		}

		@Bean
		DirectChannel echoOut() {
			return new DirectChannel();
		}

		@Bean
		IntegrationFlow tapFlow() {
			return IntegrationFlow.from("echoTap").handle((message) -> this.tapped.add(message)).get();
		}

		@Bean
		IntegrationFlow upperCase() {
			return IntegrationFlow.from("upperIn")
				.<byte[], String>transform((bytes) -> new String(bytes, StandardCharsets.UTF_8).toUpperCase())
				.get();
		}

	}

}
