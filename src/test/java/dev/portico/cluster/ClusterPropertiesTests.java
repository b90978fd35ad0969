package dev.portico.cluster;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.portico.PorticoApplication;
import dev.portico.search.SearchIndex;
import dev.portico.search.SearchIndexStore;
import dev.portico.tcp.PeerConnections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * {@code portico.cluster.*}: checked at start like every other key, off by default with
 * no trace of Redis, and a replica that cannot reach Redis still starts.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterPropertiesTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			portico.cluster.heartbeat=10ms          | portico.cluster.heartbeat
			portico.cluster.heartbeat=2m            | portico.cluster.heartbeat
			portico.cluster.heartbeat=often         | portico.cluster.heartbeat
			portico.cluster.instance-id=has space   | portico.cluster.instance-id
			portico.cluster.instance-id=-dash-first | portico.cluster.instance-id
			portico.cluster.key-prefix=with space   | portico.cluster.key-prefix
			portico.cluster.key-prefix=glob*        | portico.cluster.key-prefix
			portico.cluster.enabled=maybe           | portico.cluster.enabled
			""")
	void shouldStopStartUpWithAMessageNamingTheKeyWhenAValueIsInvalid(String property, String key,
			CapturedOutput output) {
		assertThatException().isThrownBy(() -> start(property).close());
		assertThat(output.getAll()).contains(key);
	}

	@Test
	void shouldDefaultTheInstanceIdToTheHostName() throws Exception {
		ClusterProperties properties = new ClusterProperties(false, null, "portico:", Duration.ofSeconds(2));
		String expected = (System.getenv("HOSTNAME") != null && !System.getenv("HOSTNAME").isBlank())
				? System.getenv("HOSTNAME").trim() : InetAddress.getLocalHost().getHostName();
		assertThat(properties.instanceId()).isEqualTo(expected);
		assertThat(properties.expiry()).isEqualTo(Duration.ofSeconds(6));
	}

	@Test
	void shouldCreateNoRedisBeanWhenClusterModeIsOff() {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBeanNamesForType(RedisConnectionFactory.class)).isEmpty();
			assertThat(context.getBeanNamesForType(ClusterNode.class)).isEmpty();
			assertThat(context.getBeanNamesForType(PeerConnections.class)).isEmpty();
			assertThat(context.getBeansOfType(SearchIndexStore.class).values())
				.containsExactly(context.getBean(SearchIndex.class));
			assertThat(context.getBean(ClusterProperties.class).enabled()).isFalse();
		}
	}

	@Test
	void shouldStartAnywayAndNameTheKeyWhenRedisRefusesTheConnection(CapturedOutput output) throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext context = start("portico.cluster.enabled=true",
				"portico.cluster.instance-id=lonely", "portico.cluster.heartbeat=200ms",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + closedPort)) {
			// the first Redis call also starts the Lettuce client: allow for a loaded
			// machine
			await().atMost(Duration.ofSeconds(30))
				.until(() -> output.getAll().contains("refused the connection: check spring.data.redis.host"));
			// a few heartbeats later there is still one error for the one outage
			long beats = context.getBean(ClusterProperties.class).heartbeat().toMillis() * 5;
			await().pollDelay(Duration.ofMillis(beats)).atMost(Duration.ofSeconds(10)).until(() -> true);
			assertThat(count(output.getAll(), "refused the connection: check spring.data.redis.host")).isEqualTo(1);
			assertThat(context.getBean(RedisLink.class).isUp()).isFalse();
			assertThat(context.getBean(ClusterNode.class).isJoined()).isFalse();
			// the copy of the index is the index file
			assertThat(context.getBean(SearchIndex.class).get("ring")).startsWith("In the caves");
		}
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

	private static ConfigurableApplicationContext start(String... properties) {
		String[] all = new String[properties.length + 1];
		all[0] = "--spring.config.location=classpath:/no-listeners.yml";
		for (int i = 0; i < properties.length; i++) {
			all[i + 1] = "--" + properties[i];
		}
		return new SpringApplicationBuilder(PorticoApplication.class).web(WebApplicationType.NONE).run(all);
	}

}
