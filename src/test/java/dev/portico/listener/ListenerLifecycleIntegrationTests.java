package dev.portico.listener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.portico.listener.ListenerOutcome.Result;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ListenerLifecycleIntegrationTests extends ListenerTestSupport {

	@Test
	void shouldCreateStartStopRestartAndDeleteAListener() throws Exception {
		Listener echo = start("life-basic", Keys.of("echo", 0));
		int port = echo.port();
		assertEchoes(port);
		assertThat(this.registry.stop("life-basic").result()).isEqualTo(Result.STOPPED);
		assertThat(echo.state()).isEqualTo(ListenerState.STOPPED);
		assertThat(this.registry.start("life-basic").result()).isEqualTo(Result.STARTED);
		assertEchoes(echo.port());
		assertThat(this.registry.delete("life-basic").result()).isEqualTo(Result.DELETED);
		assertThat(this.registry.get("life-basic")).isEmpty();
		assertThat(this.registry.delete("life-basic").result()).isEqualTo(Result.NOT_FOUND);
		assertThat(this.registry.start("life-basic").result()).isEqualTo(Result.NOT_FOUND);
	}

	@Test
	void shouldCloseOpenConnectionsAndFreeThePortWhenStopped() throws Exception {
		Listener echo = start("life-stop", Keys.of("multiconn", 0));
		int port = echo.port();
		try (Socket socket = Sockets.connect(port)) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 1);
			this.registry.stop("life-stop");
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(echo.connections()).isEmpty();
		// the closed connection's server side may linger a moment in FIN_WAIT_2 on a
		// loaded machine,
		// which can refuse the bind: wait for it (bounded) instead of failing on a race
		await().atMost(5, TimeUnit.SECONDS).ignoreExceptionsInstanceOf(java.net.BindException.class).until(() -> {
			try (ServerSocket reuse = new ServerSocket()) {
				reuse.setReuseAddress(true);
				reuse.bind(new java.net.InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
				return true;
			}
		});
	}

	@Test
	void shouldRestartOnTheSamePortAtOnce() throws Exception {
		Listener first = start("life-port", Keys.of("echo", 0));
		int port = first.port();
		this.registry.delete("life-port");
		Listener again = start("life-port", Keys.of("echo", port));
		assertThat(again.port()).isEqualTo(port);
		assertEchoes(port);
	}

	@Test
	void shouldTreatStartingTwiceAndStoppingAStoppedListenerAsHarmless() {
		start("life-idem", Keys.of("echo", 0));
		assertThat(this.registry.start("life-idem").result()).isEqualTo(Result.ALREADY_RUNNING);
		assertThat(this.registry.stop("life-idem").result()).isEqualTo(Result.STOPPED);
		assertThat(this.registry.stop("life-idem").result()).isEqualTo(Result.ALREADY_STOPPED);
	}

	@Test
	void shouldRefuseADuplicateNameOrPortAndAnInvalidDefinition() {
		Listener echo = start("life-dup", Keys.of("echo", 0));
		assertThat(this.registry.create("life-dup", Keys.of("udp", 0)).result()).isEqualTo(Result.NAME_TAKEN);
		ListenerOutcome created = this.registry.create("life-dup2", Keys.of("echo", 0));
		assertThat(created.result()).isEqualTo(Result.CREATED);
		this.registry.delete("life-dup2");
		this.registry.delete("life-dup");
		ListenerOutcome fixed = this.registry.create("life-fixed", Keys.of("echo", 40_001));
		assertThat(this.registry.create("life-fixed2", Keys.of("multiconn", 40_001)).result())
			.isEqualTo(Result.PORT_TAKEN);
		// the same number on the other transport is another port
		assertThat(this.registry.create("life-fixed-udp", Keys.of("udp", 40_001)).result()).isEqualTo(Result.CREATED);
		this.registry.delete("life-fixed");
		this.registry.delete("life-fixed-udp");
		assertThat(fixed.result()).isEqualTo(Result.CREATED);
		assertThat(this.registry.create("Bad Name", Keys.of("echo", 0)).result()).isEqualTo(Result.INVALID);
		assertThat(this.registry.create("bad-port", Keys.of("echo", 70_000)).detail()).contains("port");
		assertThat(echo.state()).isEqualTo(ListenerState.STOPPED);
	}

	@Test
	void shouldFailWithTheCauseWhenThePortIsTakenAndStartOnceItIsFree() throws Exception {
		ServerSocket holder = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
		int port = holder.getLocalPort();
		this.registry.create("life-fail", Keys.of("echo", port));
		try {
			ListenerOutcome failed = this.registry.start("life-fail");
			assertThat(failed.result()).isEqualTo(Result.BIND_FAILED);
			assertThat(failed.listener().state()).isEqualTo(ListenerState.FAILED);
			assertThat(failed.listener().failure()).contains(String.valueOf(port)).contains("in use");
			holder.close();
			assertThat(this.registry.start("life-fail").result()).isEqualTo(Result.STARTED);
			assertEchoes(port);
		}
		finally {
			holder.close();
			this.registry.delete("life-fail");
		}
	}

	@Test
	void shouldLeaveTheThreadCountWhereItWasAfter50StopStartCycles() throws Exception {
		Listener echo = start("life-cycles", Keys.of("multiconn", 0));
		assertEchoes(echo.port());
		int before = Thread.activeCount();
		for (int i = 0; i < 50; i++) {
			assertThat(this.registry.stop("life-cycles").result()).isEqualTo(Result.STOPPED);
			assertThat(this.registry.start("life-cycles").result()).isEqualTo(Result.STARTED);
			assertEchoes(echo.port());
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> Thread.activeCount() <= before + 2);
	}

	@Test
	void shouldRefuseTheConnectionPastTheLimitAtOnceAndCountIt() throws Exception {
		Listener echo = start("limit-conns", Keys.of("echo", 0, "max-connections", 3));
		Socket[] open = new Socket[3];
		try {
			for (int i = 0; i < 3; i++) {
				open[i] = Sockets.connect(echo.port());
			}
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 3);
			try (Socket extra = Sockets.connect(echo.port())) {
				extra.setSoTimeout(2000);
				// closed by the server straight away: end of stream (or a reset), never a
				// hang
				int read;
				try {
					read = extra.getInputStream().read();
				}
				catch (IOException reset) {
					read = -1;
				}
				assertThat(read).isEqualTo(-1);
			}
			assertThat(echo.stats().rejectedByReason()).containsEntry("max-connections", 1L);
			assertThat(echo.connections()).hasSize(3);
			open[0].close();
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 2);
			assertEchoes(echo.port());
		}
		finally {
			for (Socket socket : open) {
				if (socket != null) {
					socket.close();
				}
			}
		}
	}

	@Test
	void shouldCloseAnIdleConnectionAfterTheIdleTimeout() throws Exception {
		Listener echo = start("limit-idle", Keys.of("echo", 0, "idle-timeout", "500ms"));
		try (Socket socket = Sockets.connect(echo.port())) {
			long started = System.nanoTime();
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			assertThat(elapsedMillis).isBetween(400L, 5000L);
		}
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> echo.stats().errorsByKind().getOrDefault("idle-timeout", 0L) == 1L);
	}

	private static void assertEchoes(int port) throws IOException {
		try (Socket socket = Sockets.connect(port)) {
			socket.getOutputStream().write("ping".getBytes());
			assertThat(new String(Sockets.readExactly(socket.getInputStream(), 4))).isEqualTo("ping");
		}
	}

}
