package dev.portico.tcp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TcpLimitsIntegrationTests extends ListenerTestSupport {

	@Test
	void shouldCloseAnEchoClientThatNeverReadsAfterTheWriteTimeoutWhileOthersAreServed() throws Exception {
		Listener echo = start("limit-write",
				Keys.of("echo", 0, "write-timeout", Duration.ofMillis(800).toMillis() + "ms"));
		AtomicLong written = new AtomicLong();
		try (Socket hog = Sockets.connect(echo.port()); Socket good = Sockets.connect(echo.port())) {
			hog.setReceiveBufferSize(4096);
			CompletableFuture<Void> flooding = CompletableFuture.runAsync(() -> {
				byte[] block = new byte[64 * 1024];
				try {
					OutputStream out = hog.getOutputStream();
					for (int i = 0; i < 1024; i++) {
						out.write(block);
						written.addAndGet(block.length);
					}
				}
				catch (IOException ex) {
					// closed by the server: expected
				}
			});
			good.getOutputStream().write("ping".getBytes());
			assertThat(new String(Sockets.readExactly(good.getInputStream(), 4))).isEqualTo("ping");
			flooding.get(30, TimeUnit.SECONDS);
			assertThat(written.get()).isLessThan(64L * 1024 * 1024);
			good.getOutputStream().write("pong".getBytes());
			assertThat(new String(Sockets.readExactly(good.getInputStream(), 4))).isEqualTo("pong");
		}
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> echo.stats().errorsByKind().getOrDefault("write-timeout", 0L) == 1L);
	}

	@Test
	void shouldRefuseConnectionsPastThePerAddressLimit() throws Exception {
		Listener echo = start("limit-ip", Keys.of("echo", 0, "max-connections-per-ip", 2));
		try (Socket first = Sockets.connect(echo.port()); Socket second = Sockets.connect(echo.port())) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 2);
			try (Socket third = Sockets.connect(echo.port())) {
				int read;
				try {
					read = third.getInputStream().read();
				}
				catch (IOException reset) {
					read = -1;
				}
				assertThat(read).isEqualTo(-1);
			}
			assertThat(echo.stats().rejectedByReason()).containsEntry("max-connections-per-ip", 1L);
			first.close();
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 1);
			try (Socket again = Sockets.connect(echo.port())) {
				again.getOutputStream().write('x');
				assertThat(again.getInputStream().read()).isEqualTo('x');
			}
		}
	}

}
