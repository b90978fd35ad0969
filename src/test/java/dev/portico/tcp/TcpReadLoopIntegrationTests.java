package dev.portico.tcp;

import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.portico.listener.Listener;
import dev.portico.protocol.SearchTestFrames;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A connection Portico has closed is read no more. */
class TcpReadLoopIntegrationTests extends ListenerTestSupport {

	@Test
	void shouldHandNothingMoreToTheHandlerOncePorticoClosedTheConnection() throws Exception {
		Listener search = start("read-loop", Keys.of("search", 0));

		try (Socket socket = Sockets.connect(search.port())) {
			// a truncated request: its decoder's failure stays, and must be handled once
			socket.getOutputStream().write(SearchTestFrames.MORPHEUS_REQUEST, 0, 5);
			socket.shutdownOutput();
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}

		await().atMost(Duration.ofSeconds(5)).until(() -> search.stats().errorsTotal() >= 1);
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> search.stats().errorsTotal() == 1 && search.stats().messagesReceived() == 1);
	}

}
