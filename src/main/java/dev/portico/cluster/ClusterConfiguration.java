package dev.portico.cluster;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.portico.listener.ListenerRegistry;
import dev.portico.search.SearchIndex;

/**
 * Binds {@code portico.cluster.*} (checked at start even when cluster mode is off) and,
 * with {@code portico.cluster.enabled=true}, wires cluster mode on Spring Boot's Redis
 * connection ({@code spring.data.redis.*}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
class ClusterConfiguration {

	/** The beans of cluster mode; none of them exists when it is off. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(ClusterEnvironmentPostProcessor.ENABLED)
	static class Enabled {

		/**
		 * Commands fail at once while the connection is down instead of queuing until the
		 * command timeout: a request answers 503 without waiting. Lettuce still
		 * reconnects in the background.
		 */
		@Bean
		LettuceClientOptionsBuilderCustomizer porticoClusterClientOptions() {
			return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.autoReconnect(true);
		}

		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService clusterScheduler() {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("portico-cluster-");
			threads.setDaemon(true);
			return Executors.newSingleThreadScheduledExecutor(threads);
		}

		@Bean
		RedisLink clusterRedisLink(RedisConnectionFactory connectionFactory) {
			return new RedisLink(connectionFactory);
		}

		@Bean
		ClusterErrors clusterErrors(ObjectProvider<MeterRegistry> meters) {
			return new ClusterErrors(meters.getIfAvailable(SimpleMeterRegistry::new));
		}

		@Bean
		ClusterMeters clusterMeters(ObjectProvider<MeterRegistry> meters, ObjectProvider<ClusterNode> node) {
			return new ClusterMeters(meters.getIfAvailable(SimpleMeterRegistry::new),
					() -> node.getObject().liveInstances());
		}

		@Bean(destroyMethod = "destroy")
		ClusterMessaging clusterMessaging(ClusterProperties properties, RedisConnectionFactory connectionFactory,
				StringRedisTemplate redis, RedisLink link, ClusterErrors errors, JsonMapper jsonMapper) {
			return new ClusterMessaging(properties, connectionFactory, redis, link, errors, jsonMapper);
		}

		@Bean
		ClusterIndex clusterIndex(SearchIndex index, ClusterProperties properties, StringRedisTemplate redis,
				RedisLink link, ClusterErrors errors, JsonMapper jsonMapper, ScheduledExecutorService clusterScheduler,
				ClusterMessaging messaging) {
			ClusterIndex clusterIndex = new ClusterIndex(index, properties, redis, link, errors, jsonMapper,
					clusterScheduler);
			messaging.subscribe(clusterIndex.channel(), clusterIndex::onChange, clusterIndex::queueReload);
			return clusterIndex;
		}

		@Bean
		ClusterConnections clusterConnections(ClusterMessaging messaging, ListenerRegistry registry,
				ClusterMeters meters) {
			return new ClusterConnections(messaging, registry, meters);
		}

		@Bean
		ClusterListeners clusterListeners(ClusterProperties properties, ClusterMessaging messaging,
				ListenerRegistry registry, StringRedisTemplate redis, RedisLink link, ClusterErrors errors,
				JsonMapper jsonMapper, ClusterMeters meters) {
			return new ClusterListeners(properties, messaging, registry, redis, link, errors, jsonMapper, meters);
		}

		@Bean
		ClusterNode clusterNode(ClusterProperties properties, StringRedisTemplate redis, RedisLink link,
				ClusterErrors errors, JsonMapper jsonMapper, ScheduledExecutorService clusterScheduler,
				ListenerRegistry registry, ClusterMessaging messaging, ClusterIndex index, ClusterListeners listeners,
				Environment environment) {
			return new ClusterNode(properties, redis, link, errors, jsonMapper, clusterScheduler, registry, messaging,
					index, listeners, environment);
		}

		@Bean
		ClusterHealthIndicator clusterHealthIndicator(ClusterProperties properties, RedisLink link, ClusterNode node,
				ClusterIndex index) {
			return new ClusterHealthIndicator(properties, link, node, index);
		}

		@Bean
		ClusterInfoContributor clusterInfoContributor(ClusterProperties properties, RedisLink link, ClusterNode node) {
			return new ClusterInfoContributor(properties, link, node);
		}

	}

}
