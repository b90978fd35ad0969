package dev.portico.echo;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EchoListenerIntegrationTests extends ListenerTestSupport {

	@ParameterizedTest
	@ValueSource(ints = { 1, 64, 1500, 65_536, 1_000_000, 8 * 1024 * 1024 })
	void shouldEchoEveryByteInOrderWhateverThePayloadSize(int size) throws Exception {
		Listener echo = start("echo-sizes", Keys.of("echo", 0));
		byte[] payload = new byte[size];
		new Random(size).nextBytes(payload);
		try (Socket socket = Sockets.connect(echo.port())) {
			// write on another thread: a large payload fills both directions' buffers
			CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
				try {
					socket.getOutputStream().write(payload);
					socket.getOutputStream().flush();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			byte[] echoed = Sockets.readExactly(socket.getInputStream(), size);
			writing.get(30, TimeUnit.SECONDS);
			assertThat(echoed).isEqualTo(payload);
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().isEmpty());
		assertThat(echo.stats().bytesReceived()).isEqualTo(size);
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().bytesSent() == size);
	}

	@Test
	void shouldServe500ConcurrentConnectionsEachEchoing100Messages() throws Exception {
		Listener echo = start("echo-many", Keys.of("echo", 0));
		int connections = 500;
		int messages = 100;
		List<Socket> sockets = new ArrayList<>();
		ExecutorService clients = Executors.newFixedThreadPool(50);
		try {
			for (int i = 0; i < connections; i++) {
				sockets.add(Sockets.connect(echo.port()));
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> echo.connections().size() == connections);
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < connections; c++) {
				Socket socket = sockets.get(c);
				int id = c;
				done.add(clients.submit(() -> {
					OutputStream out = socket.getOutputStream();
					InputStream in = socket.getInputStream();
					for (int m = 0; m < messages; m++) {
						byte[] message = ("connection " + id + " message " + m + "\n").getBytes();
						out.write(message);
						assertThat(Sockets.readExactly(in, message.length)).isEqualTo(message);
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			clients.shutdownNow();
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> echo.connections().isEmpty());
		assertThat(echo.stats().acceptedTotal()).isEqualTo(connections);
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().bytesSent() == echo.stats().bytesReceived());
	}

	@Test
	void shouldEchoEverythingToAClientThatShutsDownItsOutput() throws Exception {
		Listener echo = start("echo-half", Keys.of("echo", 0));
		byte[] payload = new byte[200_000];
		new Random(7).nextBytes(payload);
		try (Socket socket = Sockets.connect(echo.port())) {
			CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
				try {
					socket.getOutputStream().write(payload);
					socket.shutdownOutput();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			byte[] echoed = Sockets.readToEnd(socket.getInputStream());
			writing.get(30, TimeUnit.SECONDS);
			assertThat(echoed).isEqualTo(payload);
		}
	}

}
