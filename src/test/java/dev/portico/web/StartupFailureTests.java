package dev.portico.web;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.portico.PorticoApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A start that fails (here: the HTTP port is taken, as when Portico is started a second
 * time) prints no generated password, since nobody could use it, and no start-up summary.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

	@Test
	void shouldNotLogAGeneratedPasswordOrSummaryWhenTheHttpPortIsTaken(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThatException().isThrownBy(
					() -> new SpringApplicationBuilder(PorticoApplication.class)
						.properties("spring.config.location=classpath:/no-listeners.yml", "server.address=127.0.0.1",
								"server.port=" + taken.getLocalPort())
						.run()
						.close());
		}
		assertThat(output.getAll()).contains("Web server failed to start")
			.doesNotContain("Portico is ready")
			.doesNotContain("generated")
			.doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
	}

}
