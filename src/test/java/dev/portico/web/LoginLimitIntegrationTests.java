package dev.portico.web;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.portico.support.HttpTestClient;
import dev.portico.support.RawHttp;
import dev.portico.support.RawHttp.Response;
import dev.portico.support.ServerCpu;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed logins: limited per client address (429 with {@code Retry-After}, no password
 * check), verified credentials remembered, the same work for unknown users as for the
 * known one, and a configured hash never re-encoded. The password is a bcrypt hash of
 * strength 4, so a check costs little here, and each address makes its own requests
 * ({@link RawHttp} binds {@code 127.x.y.z}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"spring.config.location=classpath:/no-listeners.yml", "portico.api.max-failed-logins-per-minute=3" })
class LoginLimitIntegrationTests {

	private static final String PASSWORD = "it-secret";

	private static final String STOP = "/api/listeners/none/stop";

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void password(DynamicPropertyRegistry registry) {
		registry.add("portico.api.password", () -> "{bcrypt}" + new BCryptPasswordEncoder(4).encode(PASSWORD));
	}

	@Test
	void shouldAnswerTooManyRequestsWithoutCheckingPasswordsOnceAnAddressUsedItsFailures() {
		double failedBefore = logins("failed");
		double throttledBefore = logins("throttled");
		for (int i = 0; i < 3; i++) {
			assertThat(post("127.0.0.11", RawHttp.basic("admin", "guess-" + i)).status()).isEqualTo(401);
		}
		Response throttled = post("127.0.0.11", RawHttp.basic("admin", "guess-3"));
		assertThat(throttled.status()).isEqualTo(429);
		assertThat(Long.parseLong(throttled.headers().get("retry-after"))).isBetween(1L, 20L);
		assertThat(throttled.headers().get("content-type")).startsWith("application/problem+json");
		assertThat(HttpTestClient.parse(throttled.body()).path("detail").asString())
			.contains("portico.api.max-failed-logins-per-minute");
		// nothing is checked from there until the wait is over (credentials verified in
		// the
		// last minute aside)
		assertThat(post("127.0.0.11", RawHttp.basic("someone", "else")).status()).isEqualTo(429);
		assertThat(logins("failed") - failedBefore).isEqualTo(3);
		assertThat(logins("throttled") - throttledBefore).isEqualTo(2);
		// another address has its own budget
		assertThat(post("127.0.0.12", RawHttp.basic("admin", "guess")).status()).isEqualTo(401);
		assertThat(post("127.0.0.12", RawHttp.basic("admin", PASSWORD)).status()).isEqualTo(404);
	}

	@Test
	void shouldLetCredentialsVerifiedAMomentAgoThroughFromAThrottledAddress() {
		assertThat(post("127.0.0.13", RawHttp.basic("admin", PASSWORD)).status()).isEqualTo(404);
		double cachedBefore = logins("cached");
		for (int i = 0; i < 3; i++) {
			assertThat(post("127.0.0.13", RawHttp.basic("admin", "guess-" + i)).status()).isEqualTo(401);
		}
		assertThat(post("127.0.0.13", RawHttp.basic("nobody", "guess")).status()).isEqualTo(429);
		assertThat(post("127.0.0.13", RawHttp.basic("admin", PASSWORD)).status()).isEqualTo(404);
		assertThat(logins("cached") - cachedBefore).isEqualTo(1);
	}

	@Test
	void shouldDoTheConfiguredHashsWorkForUnknownUsersAndNeverReencodeIt() {
		// a successful login first: a user store that "upgrades" encodings would now
		// re-encode the strength-4 hash with its default strength 10
		assertThat(post("127.0.0.14", RawHttp.basic("admin", PASSWORD)).status()).isEqualTo(404);
		long strength10 = bcryptCpuNanos(10);
		long known = cpuPerFailedLogin("admin", 20);
		long unknown = cpuPerFailedLogin("mallory", 21);
		System.out.printf("FIGURE failed login, server CPU: known user %.2f ms, unknown user %.2f ms;"
				+ " one bcrypt of strength 10 %.2f ms%n", known / 1e6, unknown / 1e6, strength10 / 1e6);
		assertThat(known).as("CPU per failed login of the known user").isLessThan(strength10 / 2);
		assertThat(unknown).as("CPU per failed login of an unknown user").isLessThan(strength10 / 2);
	}

	/**
	 * The server's CPU per failed login, over ten attempts each from its own address
	 * (none throttled).
	 */
	private long cpuPerFailedLogin(String username, int subnet) {
		// warm up the path first
		assertThat(post("127.0." + subnet + ".100", RawHttp.basic(username, "warm-up")).status()).isEqualTo(401);
		long before = ServerCpu.requestThreadsNanos();
		for (int i = 1; i <= 10; i++) {
			assertThat(post("127.0." + subnet + "." + i, RawHttp.basic(username, "wrong-" + i)).status())
				.isEqualTo(401);
		}
		return (ServerCpu.requestThreadsNanos() - before) / 10;
	}

	/** CPU of one bcrypt check of the given strength on this machine, the median of 3. */
	private static long bcryptCpuNanos(int strength) {
		BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(strength);
		String hash = encoder.encode("calibration");
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long[] samples = new long[3];
		for (int i = 0; i < samples.length; i++) {
			long before = threads.getCurrentThreadCpuTime();
			encoder.matches("wrong", hash);
			samples[i] = threads.getCurrentThreadCpuTime() - before;
		}
		Arrays.sort(samples);
		return samples[1];
	}

	private Response post(String from, String authorization) {
		return RawHttp.send(from, this.port, "POST", STOP, Map.of("Authorization", authorization), null);
	}

	private double logins(String outcome) {
		return this.meters.get("portico.api.logins").tag("outcome", outcome).counter().count();
	}

}
