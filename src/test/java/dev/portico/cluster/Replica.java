package dev.portico.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.portico.PorticoApplication;
import dev.portico.listener.Listener;
import dev.portico.listener.ListenerRegistry;
import dev.portico.search.SearchIndex;
import dev.portico.support.HttpTestClient;

/**
 * One Portico replica in cluster mode, as its own Spring application context in this JVM:
 * the jar's configuration (the four default listeners, bound to any free loopback port),
 * its own instance id and data directory, a short heartbeat.
 */
final class Replica implements AutoCloseable {

	static final String PASSWORD = "cluster-secret";

	private final String id;

	private final ConfigurableApplicationContext context;

	private Replica(String id, ConfigurableApplicationContext context) {
		this.id = id;
		this.context = context;
	}

	static Replica start(String id, int redisPort, String... more) {
		Path dataDir;
		try {
			dataDir = Files.createTempDirectory("portico-" + id + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> properties = new ArrayList<>(List.of("server.port=0", "portico.cluster.enabled=true",
				"portico.cluster.instance-id=" + id, "portico.cluster.heartbeat=300ms",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort,
				"portico.search.data-dir=" + dataDir, "portico.api.password=" + PASSWORD));
		for (String listener : List.of("echo", "multiconn", "search", "udp")) {
			properties.add("portico.listeners." + listener + ".port=0");
			properties.add("portico.listeners." + listener + ".bind=127.0.0.1");
		}
		// a key given in more replaces the default above (two would be joined with a
		// comma)
		for (String extra : more) {
			String key = extra.substring(0, extra.indexOf('=') + 1);
			properties.removeIf((property) -> property.startsWith(key));
			properties.add(extra);
		}
		// as arguments: they must win over the jar's application.yml, as a user's would
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PorticoApplication.class)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
		return new Replica(id, context);
	}

	String id() {
		return this.id;
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	int httpPort() {
		return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	HttpTestClient anonymous() {
		return new HttpTestClient(httpPort());
	}

	HttpTestClient operator() {
		return new HttpTestClient(httpPort()).withCredentials("admin", PASSWORD);
	}

	ListenerRegistry registry() {
		return this.context.getBean(ListenerRegistry.class);
	}

	Listener listener(String name) {
		return registry().get(name).orElseThrow(() -> new AssertionError(this.id + " has no listener " + name));
	}

	int port(String listener) {
		return listener(listener).port();
	}

	SearchIndex index() {
		return this.context.getBean(SearchIndex.class);
	}

	ClusterIndex clusterIndex() {
		return this.context.getBean(ClusterIndex.class);
	}

	boolean isRunning() {
		return this.context.isActive();
	}

	@Override
	public void close() {
		if (this.context.isActive()) {
			this.context.close();
		}
	}

}
