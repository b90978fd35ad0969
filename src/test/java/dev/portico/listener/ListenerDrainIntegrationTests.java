package dev.portico.listener;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.portico.PorticoApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown: readiness refuses traffic before listeners drain, and connections refused
 * meanwhile are counted.
 */
class ListenerDrainIntegrationTests {

	@Test
	void shouldRefuseTrafficBeforeDrainingAndCountConnectionsRejectedWhileDraining() throws Exception {
		AtomicReference<Boolean> drainingWhenRefusing = new AtomicReference<>();
		ApplicationListener<AvailabilityChangeEvent<?>> readiness = (event) -> {
			if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
				drainingWhenRefusing
					.set(((ApplicationContext) event.getSource()).getBean(ListenerRegistry.class).isDraining());
			}
		};
		// command-line arguments, not default properties: those lose to
		// config/application.yml, which
		// would bind the shipped HTTP port 8080
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PorticoApplication.class)
			.listeners(readiness)
			.run("--server.port=0", "--server.address=127.0.0.1", "--portico.api.password=drain",
					"--portico.drain-timeout=10s", "--portico.listeners.echo.port=0",
					"--portico.listeners.echo.bind=127.0.0.1", "--portico.listeners.multiconn.port=0",
					"--portico.listeners.multiconn.bind=127.0.0.1", "--portico.listeners.udp.port=0",
					"--portico.listeners.udp.bind=127.0.0.1", "--portico.listeners.search.port=0",
					"--portico.listeners.search.bind=127.0.0.1");
		ListenerRegistry registry = context.getBean(ListenerRegistry.class);
		Listener multiconn = registry.get("multiconn").orElseThrow();
		int port = multiconn.port();
		try (Socket slow = new Socket()) {
			// a client that sends but does not read keeps output queued: the drain waits
			// for it
			slow.setReceiveBufferSize(4096);
			slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			CompletableFuture.runAsync(() -> {
				try {
					OutputStream out = slow.getOutputStream();
					for (int i = 0; i < 256; i++) {
						out.write(new byte[64 * 1024]);
					}
				}
				catch (IOException ex) {
					// closed by the drain
				}
			});
			await().atMost(Duration.ofSeconds(15)).until(() -> multiconn.status().queue().bytes() > 0);

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(10)).until(registry::isDraining);
			try (Socket late = new Socket(InetAddress.getLoopbackAddress(), port)) {
				late.setSoTimeout(10_000);
				assertThat(late.getInputStream().read()).isEqualTo(-1);
			}
			assertThat(multiconn.stats().rejectedByReason()).containsEntry("draining", 1L);
			closing.get();
		}
		assertThat(drainingWhenRefusing.get()).as("readiness refused traffic before the drain began").isFalse();
		assertThat(multiconn.state()).isEqualTo(ListenerState.STOPPED);
	}

}
