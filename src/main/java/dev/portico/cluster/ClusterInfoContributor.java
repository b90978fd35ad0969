package dev.portico.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds the cluster (instance, Redis, key prefix, heartbeat, live instances) to
 * {@code /actuator/info}.
 */
final class ClusterInfoContributor implements InfoContributor {

	private final ClusterProperties properties;

	private final RedisLink link;

	private final ClusterNode node;

	ClusterInfoContributor(ClusterProperties properties, RedisLink link, ClusterNode node) {
		this.properties = properties;
		this.link = link;
		this.node = node;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> cluster = new LinkedHashMap<>();
		cluster.put("enabled", true);
		cluster.put("instance", this.properties.instanceId());
		cluster.put("redis", this.link.address());
		cluster.put("redisUp", this.link.isUp());
		cluster.put("joined", this.node.isJoined());
		cluster.put("keyPrefix", this.properties.keyPrefix());
		cluster.put("heartbeat", this.properties.heartbeat().toString());
		cluster.put("instances", this.node.liveInstances());
		builder.withDetail("cluster", cluster);
	}

}
