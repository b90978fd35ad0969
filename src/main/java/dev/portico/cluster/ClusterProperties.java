package dev.portico.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.portico.listener.Within;

/**
 * Cluster mode, {@code portico.cluster.*}. Redis itself is configured with Spring Boot's
 * {@code spring.data.redis.*} keys.
 *
 * @param enabled whether replicas share state through Redis; default false (no Redis
 * needed, nothing is shared)
 * @param instanceId this replica's name in the cluster, unique among the replicas;
 * default the host name (a pod's name in Kubernetes)
 * @param keyPrefix prefix of every Redis key and channel Portico uses, so that two
 * clusters may share one Redis; default {@code portico:}
 * @param heartbeat how often a replica tells Redis it is alive; one silent for three
 * heartbeats has left the cluster; default 2s, from 100ms to 1m
 */
@Validated
@ConfigurationProperties("portico.cluster")
public record ClusterProperties(@DefaultValue("false") boolean enabled, @NotNull @Pattern(
		regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}",
		message = "must be 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit") String instanceId,
		@DefaultValue("portico:") @NotNull @Pattern(regexp = "[!-)+->@-Z^-~]{1,64}",
				message = "must be 1 to 64 printable characters without spaces, '*', '?', '[', '\\\\' or ']'") String keyPrefix,
		@DefaultValue("2s") @NotNull @Within(min = "100ms", max = "1m") Duration heartbeat) {

	public ClusterProperties {
		if (instanceId == null || instanceId.isEmpty()) {
			instanceId = hostName();
		}
	}

	/** How long a replica that stopped heartbeating stays in the view: 3 heartbeats. */
	Duration expiry() {
		return this.heartbeat.multipliedBy(3);
	}

	private static String hostName() {
		String fromEnvironment = System.getenv("HOSTNAME");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			return fromEnvironment.trim();
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "portico";
		}
	}

}
