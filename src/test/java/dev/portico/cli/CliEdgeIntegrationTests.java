package dev.portico.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
 * The bundled clients and {@code bench} against TLS and PROXY protocol listeners:
 * {@code --tls} with {@code --ca} or {@code --insecure}, mutual TLS with {@code --cert}
 * and {@code --key} (PKCS#8, PKCS#1 and SEC1 keys), handshakes per second, and
 * {@code --proxy-protocol}.
 */
class CliEdgeIntegrationTests extends ListenerTestSupport {

	private static final TestCertificates certificates = TestCertificates.get();

	@DynamicPropertySource
	static void bundles(DynamicPropertyRegistry registry) {
		certificates.addServerBundle(registry, "server", true);
	}

	@Test
	void shouldEchoOverTlsCheckingTheServerAgainstTheGivenCa() {
		Listener echo = start("cli-tls", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));

		CliRun run = CliRun.of("client", "echo", "--port", port(echo), "--ca", path("ca.crt"), "hello", "over", "TLS");

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).isEqualTo("hello over TLS" + System.lineSeparator());
	}

	@Test
	void shouldFailInOneLineWhenTheServerIsNotTrustedAndEchoWithInsecure() {
		Listener echo = start("cli-untrusted", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));

		CliRun untrusted = CliRun.of("client", "echo", "--port", port(echo), "--ca", path("rogue-ca.crt"), "hi");
		CliRun insecure = CliRun.of("client", "echo", "--port", port(echo), "--insecure", "hi");

		assertThat(untrusted.exitCode()).isEqualTo(1);
		assertThat(untrusted.err()).startsWith("echo: TLS handshake with 127.0.0.1:" + echo.port() + " failed: ")
			.hasLineCount(1);
		assertThat(insecure.exitCode()).as(insecure.err()).isZero();
		assertThat(insecure.out()).startsWith("hi");
	}

	@Test
	void shouldPresentAClientCertificateInEveryPemKeyForm() throws Exception {
		Listener echo = start("cli-mtls",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server", "ssl.client-auth", "need"));
		Path pkcs8 = certificates.path("client.key");
		Path sec1 = certificates.path("client-sec1.key");
		if (!Files.exists(sec1)) {
			certificates.openssl("ec", "-in", pkcs8.toString(), "-out", sec1.toString());
		}
		assertThat(Files.readString(sec1, StandardCharsets.US_ASCII)).contains("BEGIN EC PRIVATE KEY");

		for (Path key : new Path[] { pkcs8, sec1 }) {
			CliRun run = CliRun.of("client", "echo", "--port", port(echo), "--ca", path("ca.crt"), "--cert",
					path("client.crt"), "--key", key.toString(), "mutual");
			assertThat(run.exitCode()).as(run.err()).isZero();
			assertThat(run.out()).startsWith("mutual");
		}
		CliRun without = CliRun.of("client", "echo", "--port", port(echo), "--ca", path("ca.crt"), "anonymous");
		assertThat(without.exitCode()).isEqualTo(1);
		await().atMost(5, TimeUnit.SECONDS).until(() -> echo.stats().errors("tls") == 1);
	}

	@Test
	void shouldReadAnRsaKeyInPkcs1Form() throws Exception {
		Path key = certificates.path("rsa-client-pkcs1.key");
		Path certificate = certificates.path("rsa-client.crt");
		if (!Files.exists(certificate)) {
			certificates.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa-client.key", "-out",
					"rsa-client.csr", "-subj", "/CN=rsa-client");
			certificates.openssl("x509", "-req", "-in", "rsa-client.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
					"-CAcreateserial", "-days", "2", "-out", "rsa-client.crt");
			certificates.openssl("rsa", "-in", "rsa-client.key", "-traditional", "-out", key.toString());
		}
		assertThat(Files.readString(key, StandardCharsets.US_ASCII)).contains("BEGIN RSA PRIVATE KEY");
		Listener echo = start("cli-rsa",
				Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server", "ssl.client-auth", "need"));

		CliRun run = CliRun.of("client", "echo", "--port", port(echo), "--ca", path("ca.crt"), "--cert",
				certificate.toString(), "--key", key.toString(), "rsa");

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).startsWith("rsa");
	}

	@Test
	void shouldTalkTlsWithTheMulticonnAndSearchClients() {
		Listener multiconn = start("cli-tls-multiconn",
				Keys.of("multiconn", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));
		Listener search = start("cli-tls-search",
				Keys.of("search", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));

		CliRun many = CliRun.of("client", "multiconn", "--port", port(multiconn), "--conns", "3", "--ca",
				path("ca.crt"));
		CliRun answer = CliRun.of("client", "search", "--port", port(search), "--ca", path("ca.crt"), "search",
				"morpheus");

		assertThat(many.exitCode()).as(many.out() + many.err()).isZero();
		assertThat(many.out()).contains("3 echoed exactly");
		assertThat(answer.exitCode()).as(answer.err()).isZero();
		assertThat(answer.out()).startsWith("Follow the white rabbit.");
	}

	@Test
	void shouldCountHandshakesWhenBenchingATlsListener() {
		Listener echo = start("bench-tls", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "ssl.bundle", "server"));

		CliRun connect = CliRun.of("bench", "connect", "--port", port(echo), "--conns", "2", "--tls", "--ca",
				path("ca.crt"), "--warmup", "200ms", "--duration", "1s", "--json");
		CliRun echoed = CliRun.of("bench", "echo", "--port", port(echo), "--conns", "4", "--insecure", "--warmup",
				"200ms", "--duration", "500ms");

		assertThat(connect.exitCode()).as(connect.err()).isZero();
		JsonNode result = JsonMapper.builder().build().readTree(connect.out());
		assertThat(result.get("tls").asBoolean()).isTrue();
		assertThat(result.get("errors").asLong()).isZero();
		assertThat(result.get("mismatches").asLong()).isZero();
		assertThat(result.get("handshakes").asLong()).isPositive();
		// one connection, one full handshake, one echo: as many handshakes as messages
		assertThat(result.get("handshakes").asLong()).isBetween(result.get("messages").asLong() - 2,
				result.get("messages").asLong() + 2);
		assertThat(result.get("handshakesPerSec").asDouble()).isPositive();
		assertThat(result.get("handshakeMillisMean").asDouble()).isPositive();
		assertThat(connect.err()).contains("handshakes in the window");
		assertThat(echoed.exitCode()).as(echoed.err()).isZero();
		assertThat(echoed.out()).contains("0 mismatches  0 errors");
		// bench may leave in the middle of a handshake when its window ends: the server
		// counts that as a failed handshake, and nothing else
		assertThat(echo.stats().errorsTotal()).isEqualTo(echo.stats().errors("tls")).isLessThanOrEqualTo(2);
	}

	@Test
	void shouldSendAProxyHeaderPerConnectionWithAClientAddressOfItsOwn() {
		Listener echo = start("bench-proxy", Keys.of("echo", 0, "bind", Sockets.LOOPBACK, "proxy-protocol", "required",
				"max-connections-per-ip", 1));

		for (String version : new String[] { "v1", "v2" }) {
			CliRun run = CliRun.of("bench", "hold", "--port", port(echo), "--conns", "3", "--proxy-protocol", version,
					"--interval", "100ms", "--warmup", "300ms", "--duration", "500ms");
			assertThat(run.exitCode()).as(run.err()).isZero();
			assertThat(run.out()).contains("3 of 3 connections survived").contains("after a PROXY " + version);
			await().atMost(5, TimeUnit.SECONDS).until(() -> echo.connections().isEmpty());
		}
		// three connections from one address, admitted one each: their addresses differ
		assertThat(echo.stats().rejectedTotal()).isZero();
		assertThat(echo.stats().errorsTotal()).isZero();
	}

	@Test
	void shouldRefuseTlsOptionsThatContradictEachOther() {
		CliRun both = CliRun.of("client", "echo", "--ca", path("ca.crt"), "--insecure", "x");
		CliRun half = CliRun.of("client", "echo", "--tls", "--cert", path("client.crt"), "x");
		CliRun udp = CliRun.of("bench", "udp", "--tls");

		assertThat(both.exitCode()).isEqualTo(2);
		assertThat(both.err()).contains("give --ca or --insecure, not both");
		assertThat(half.exitCode()).isEqualTo(2);
		assertThat(half.err()).contains("--cert and --key go together");
		assertThat(udp.exitCode()).isEqualTo(2);
		assertThat(udp.err()).contains("udp has neither TLS nor the PROXY protocol");
	}

	private static String port(Listener listener) {
		return Integer.toString(listener.port());
	}

	private static String path(String name) {
		return certificates.path(name).toString();
	}

}
