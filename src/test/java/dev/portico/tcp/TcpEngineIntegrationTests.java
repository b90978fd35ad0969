package dev.portico.tcp;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which engine serves a listener with {@code portico.tcp-engine: auto}, and what the
 * event loop promises: no thread per connection, every byte back in order, pushes from
 * other threads in order with the echoes.
 */
@Import(TcpEngineIntegrationTests.Channels.class)
class TcpEngineIntegrationTests extends ListenerTestSupport {

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) {
		TestCertificates.get().addServerBundle(registry, "server", false);
	}

	@Test
	void shouldServeEchoMulticonnAndSearchOnTheEventLoopByDefault() {
		for (String type : List.of("echo", "multiconn", "search")) {
			Listener listener = start("engine-" + type, Keys.of(type, 0, "bind", Sockets.LOOPBACK));
			assertThat(((TcpServer<?>) listener.runtime()).engine()).as(type).isEqualTo(TcpEngine.EVENT_LOOP);
		}
	}

	@Test
	void shouldServeListenersReadingAProxyHeaderOnTheEventLoop() {
		Listener proxied = start("engine-proxy",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "proxy-protocol", "optional"));
		assertThat(((TcpServer<?>) proxied.runtime()).engine()).isEqualTo(TcpEngine.EVENT_LOOP);
	}

	@Test
	void shouldServeTlsListenersOnTheEventLoop() {
		for (String type : List.of("echo", "multiconn", "search")) {
			Listener listener = start("engine-tls-" + type,
					Keys.of(type, 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server", "proxy-protocol", "optional"));
			assertThat(((TcpServer<?>) listener.runtime()).engine()).as(type).isEqualTo(TcpEngine.EVENT_LOOP);
		}
	}

	@Test
	void shouldServeOnThreadsWhenAFlowMayBlock() {
		Listener tapped = start("engine-tapped",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "inbound-channel", "engineTap"));
		Listener flow = start("engine-flow",
				Keys.of("flow", 0, "bind", Sockets.LOOPBACK, "inbound-channel", "engineTap"));
		assertThat(((TcpServer<?>) tapped.runtime()).engine()).isEqualTo(TcpEngine.THREADS);
		assertThat(((TcpServer<?>) flow.runtime()).engine()).isEqualTo(TcpEngine.THREADS);
	}

	@Test
	void shouldServeManyConnectionsWithoutAThreadEachWhenOnTheEventLoop() throws Exception {
		Listener echo = start("engine-many", Keys.of("echo", 0, "bind", Sockets.LOOPBACK));
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 300; i++) {
				sockets.add(Sockets.connect(echo.port()));
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> echo.connections().size() == 300);
			for (int i = 0; i < sockets.size(); i++) {
				byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
				sockets.get(i).getOutputStream().write(message);
				assertThat(Sockets.readExactly(sockets.get(i).getInputStream(), message.length)).isEqualTo(message);
			}
			assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThan(threadsBefore + 20);
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> echo.connections().isEmpty());
	}

	@Test
	void shouldWritePushesInOrderWithEchoesWhenPushedFromAnotherThread() throws Exception {
		Listener multiconn = start("engine-push", Keys.of("multiconn", 0, "bind", Sockets.LOOPBACK));
		TcpServer<?> server = (TcpServer<?>) multiconn.runtime();
		try (Socket socket = Sockets.connect(multiconn.port())) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> multiconn.connections().size() == 1);
			String id = multiconn.connections().iterator().next().id();
			InputStream in = socket.getInputStream();
			String pushed = "";
			for (int i = 0; i < 200; i++) {
				// a push queued before the client sends comes back before that echo
				String echoed = "e" + i + ";";
				socket.getOutputStream().write(echoed.getBytes(StandardCharsets.US_ASCII));
				String expected = pushed + echoed;
				assertThat(new String(Sockets.readExactly(in, expected.length()), StandardCharsets.US_ASCII))
					.isEqualTo(expected);
				pushed = "p" + i + ";";
				assertThat(server.push(id, pushed.getBytes(StandardCharsets.US_ASCII))).isEqualTo(PushResult.QUEUED);
			}
			assertThat(new String(Sockets.readExactly(in, pushed.length()), StandardCharsets.US_ASCII))
				.isEqualTo(pushed);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Channels {

		@Bean
		QueueChannel engineTap() {
			return new QueueChannel(100);
		}

	}

}
