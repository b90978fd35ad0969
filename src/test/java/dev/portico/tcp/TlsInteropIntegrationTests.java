package dev.portico.tcp;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.listener.Listener;
import dev.portico.listener.ListenerConnection;
import dev.portico.support.ExternalTools;
import dev.portico.support.HttpTestClient;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;
import dev.portico.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS listeners against clients that are not Java: Python's {@code ssl} module and
 * {@code openssl s_client}, both verifying the server's certificate, with and without a
 * client certificate.
 */
class TlsInteropIntegrationTests extends ListenerTestSupport {

	private static final Path PYTHON_CLIENT = Path.of("src/test/python/tls_echo_client.py");

	private static final TestCertificates certificates = TestCertificates.get();

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) {
		certificates.addServerBundle(registry, "server", true);
	}

	@Test
	void shouldEchoToPythonsSslModule() throws Exception {
		Listener echo = start("py-tls", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));
		String message = "h\u00e9llo from Python's ssl module";

		Result result = python(echo.port(), message);

		assertThat(result.exitCode()).as(result.error()).isZero();
		JsonNode answer = HttpTestClient.parse(result.output());
		assertThat(answer.get("echo").stringValue()).isEqualTo(message);
		assertThat(answer.get("version").stringValue()).isEqualTo("TLSv1.3");
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> echo.stats().bytesReceived() == message.getBytes(StandardCharsets.UTF_8).length);
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldAcceptPythonsClientCertificateAndRefusePythonWithoutOneWhenClientAuthIsNeed() throws Exception {
		Listener echo = start("py-mtls",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server", "ssl.client-auth", "need"));

		Result with = python(echo.port(), "mutual", "--cert", certificates.path("client.crt").toString(), "--key",
				certificates.path("client.key").toString());
		Result without = python(echo.port(), "anonymous");

		assertThat(with.exitCode()).as(with.error()).isZero();
		assertThat(HttpTestClient.parse(with.output()).get("echo").stringValue()).isEqualTo("mutual");
		assertThat(without.exitCode()).isEqualTo(1);
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
	}

	@Test
	void shouldEchoToOpensslSClientAndShowItsSession() throws Exception {
		Listener echo = start("openssl-tls",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server", "ssl.client-auth", "want"));

		try (SClient client = new SClient(echo.port(), "-cert", certificates.path("client.crt").toString(), "-key",
				certificates.path("client.key").toString())) {
			assertThat(client.echo("hello from openssl")).isEqualTo("hello from openssl");
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().size() == 1);
			ListenerConnection connection = echo.connections().iterator().next();
			assertThat(connection.tls().protocol()).isEqualTo("TLSv1.3");
			assertThat(connection.tls().cipherSuite()).startsWith("TLS_");
			assertThat(connection.tls().clientSubject()).isEqualTo("O=Portico Tests,CN=portico-test-client");
			assertThat(client.echo("and again")).isEqualTo("and again");
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().isEmpty());
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldBeRefusedByOpensslSClientVerifyingAgainstAnotherCa() throws Exception {
		Listener echo = start("openssl-verify", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));
		String openssl = ExternalTools.require("openssl", "apt-get install -y openssl");

		Process process = new ProcessBuilder(openssl, "s_client", "-connect", Sockets.LOOPBACK + ":" + echo.port(),
				"-CAfile", certificates.path("rogue-ca.crt").toString(), "-verify_return_error", "-brief")
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isNotZero();
		assertThat(output).contains("verify error");
		// the client refused the server: counted on the server as a failed handshake
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
	}

	private static Result python(int port, String message, String... more) throws Exception {
		String python = ExternalTools.require("python3", "apt-get install -y python3");
		List<String> command = new ArrayList<>(List.of(python, PYTHON_CLIENT.toString(), Sockets.LOOPBACK,
				String.valueOf(port), certificates.path("ca.crt").toString(), message));
		command.addAll(List.of(more));
		Process process = new ProcessBuilder(command).start();
		CompletableFuture<String> error = CompletableFuture
			.supplyAsync(() -> read(process.getErrorStream()::readAllBytes));
		String output = read(process.getInputStream()::readAllBytes);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output.trim(), error.get(5, TimeUnit.SECONDS));
	}

	private static String read(IoSupplier bytes) {
		try {
			return new String(bytes.get(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	/** What a client process did. */
	record Result(int exitCode, String output, String error) {
	}

	@FunctionalInterface
	interface IoSupplier {

		byte[] get() throws IOException;

	}

	/**
	 * {@code openssl s_client} verifying the server against the test CA, sending lines
	 * and reading them back; closing its input ends it.
	 */
	static final class SClient implements AutoCloseable {

		private final Process process;

		private final OutputStream in;

		private final BufferedReader out;

		SClient(int port, String... more) throws IOException {
			String openssl = ExternalTools.require("openssl", "apt-get install -y openssl");
			List<String> command = new ArrayList<>(List.of(openssl, "s_client", "-connect",
					Sockets.LOOPBACK + ":" + port, "-CAfile", certificates.path("ca.crt").toString(),
					"-verify_return_error", "-verify_ip", Sockets.LOOPBACK, "-quiet", "-no_ign_eof"));
			command.addAll(List.of(more));
			File log = Files.createTempFile(certificates.path("."), "s_client-", ".log").toFile();
			this.process = new ProcessBuilder(command).redirectError(log).start();
			this.in = this.process.getOutputStream();
			this.out = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		}

		String echo(String line) throws Exception {
			this.in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.in.flush();
			return CompletableFuture.supplyAsync(() -> {
				try {
					return this.out.readLine();
				}
				catch (IOException ex) {
					return ex.toString();
				}
			}).get(20, TimeUnit.SECONDS);
		}

		@Override
		public void close() throws Exception {
			this.in.close();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

}
