package dev.portico.cluster;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code cluster} health component: UP while Redis answers and this replica has
 * joined, DOWN with the cause (naming the {@code spring.data.redis.*} key to check)
 * otherwise. It reads the state the heartbeat left, so a health request never waits on
 * Redis. It is deliberately not in the readiness group: a replica cut off from Redis
 * still serves its listeners and answers search from its copy of the index.
 */
final class ClusterHealthIndicator extends AbstractHealthIndicator {

	private final ClusterProperties properties;

	private final RedisLink link;

	private final ClusterNode node;

	private final ClusterIndex index;

	ClusterHealthIndicator(ClusterProperties properties, RedisLink link, ClusterNode node, ClusterIndex index) {
		super("Cluster health check failed");
		this.properties = properties;
		this.link = link;
		this.node = node;
		this.index = index;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("instance", this.properties.instanceId())
			.withDetail("redis", this.link.address())
			.withDetail("since", this.link.since().toString())
			.withDetail("instances", this.node.liveInstances())
			.withDetail("indexVersion", this.index.version());
		if (this.node.isJoined()) {
			builder.up();
		}
		else {
			builder.down().withDetail("cause", this.link.isUp() ? "joining the cluster" : this.link.cause());
		}
	}

}
