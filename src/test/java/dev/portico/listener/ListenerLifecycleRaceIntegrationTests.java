package dev.portico.listener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.portico.listener.ListenerOutcome.Result;
import dev.portico.support.Keys;
import dev.portico.support.Sockets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lifecycle calls that race: a start against a delete never leaves a bound port that no
 * listener owns, and a create never removes another request's listener.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = "spring.config.location=classpath:/no-listeners.yml")
class ListenerLifecycleRaceIntegrationTests {

	private static final int ROUNDS = 40;

	@Autowired
	private ListenerRegistry registry;

	private final ExecutorService pool = Executors.newFixedThreadPool(2);

	@AfterEach
	void cleanUp() {
		this.pool.shutdownNow();
		this.registry.list().forEach((listener) -> this.registry.delete(listener.name()));
	}

	@Test
	void shouldNeverLeaveABoundPortWithoutAListenerWhenStartRacesDelete() throws Exception {
		int port = freePort();
		for (int round = 0; round < ROUNDS; round++) {
			assertThat(this.registry.create("race", Keys.of("echo", port, "bind", Sockets.LOOPBACK)).result())
				.isEqualTo(Result.CREATED);
			List<ListenerOutcome> outcomes = race(() -> this.registry.start("race"),
					() -> this.registry.delete("race"));
			assertThat(outcomes.get(1).result()).isEqualTo(Result.DELETED);
			assertThat(this.registry.get("race")).isEmpty();
			assertPortFree(port);
		}
	}

	@Test
	void shouldNeverRemoveAnotherRequestsListenerWhenCreatesOnOnePortRace() throws Exception {
		int port = freePort();
		ListenerDefinitions definitions = this.registry.definitions();
		for (int round = 0; round < ROUNDS; round++) {
			ListenerDefinition one = definitions.fromRequest("twin", Keys.of("echo", port, "bind", Sockets.LOOPBACK));
			ListenerDefinition two = definitions.fromRequest("twin", Keys.of("echo", port, "bind", Sockets.LOOPBACK));
			List<ListenerOutcome> created = race(() -> this.registry.createAndStart(one),
					() -> this.registry.createAndStart(two));
			assertThat(created).extracting(ListenerOutcome::result)
				.containsExactlyInAnyOrder(Result.CREATED, Result.NAME_TAKEN);
			Listener winner = created.stream()
				.filter((outcome) -> outcome.result() == Result.CREATED)
				.findFirst()
				.orElseThrow()
				.listener();
			assertThat(this.registry.get("twin")).containsSame(winner);
			assertThat(winner.state()).isEqualTo(ListenerState.RUNNING);
			try (Socket socket = Sockets.connect(port)) {
				assertThat(socket.isConnected()).isTrue();
			}
			// a delete racing a create of another name on the same port
			ListenerDefinition other = definitions.fromRequest("other",
					Keys.of("echo", port, "bind", Sockets.LOOPBACK));
			List<ListenerOutcome> swapped = race(() -> this.registry.delete("twin"),
					() -> this.registry.createAndStart(other));
			assertThat(swapped.get(0).result()).isEqualTo(Result.DELETED);
			if (swapped.get(1).result() == Result.CREATED) {
				assertThat(this.registry.get("other")).containsSame(swapped.get(1).listener());
				assertThat(swapped.get(1).listener().state()).isEqualTo(ListenerState.RUNNING);
				this.registry.delete("other");
			}
			else {
				assertThat(swapped.get(1).result()).isEqualTo(Result.PORT_TAKEN);
				assertThat(this.registry.get("other")).isEmpty();
			}
			assertThat(this.registry.list()).isEmpty();
			assertPortFree(port);
		}
	}

	private List<ListenerOutcome> race(Supplier<ListenerOutcome> first, Supplier<ListenerOutcome> second)
			throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		CompletableFuture<ListenerOutcome> a = CompletableFuture.supplyAsync(() -> awaitThen(go, first), this.pool);
		CompletableFuture<ListenerOutcome> b = CompletableFuture.supplyAsync(() -> awaitThen(go, second), this.pool);
		go.countDown();
		return List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
	}

	private static ListenerOutcome awaitThen(CountDownLatch go, Supplier<ListenerOutcome> call) {
		try {
			go.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return call.get();
	}

	private static void assertPortFree(int port) throws IOException {
		try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(Sockets.LOOPBACK))) {
			assertThat(probe.getLocalPort()).isEqualTo(port);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(Sockets.LOOPBACK))) {
			return socket.getLocalPort();
		}
	}

}
