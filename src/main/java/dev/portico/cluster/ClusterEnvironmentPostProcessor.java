package dev.portico.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps Redis out of a replica that does not run in cluster mode, and bounds every Redis
 * call of one that does.
 *
 * <p>
 * With {@code portico.cluster.enabled} false (the default), Spring Boot's Redis
 * auto-configuration is excluded: no connection factory, no Lettuce threads, no
 * {@code redis} health component that would be DOWN for want of a Redis nobody asked for.
 * With it true, Lettuce's defaults (a 60 s command timeout) are replaced by short ones
 * unless the user set {@code spring.data.redis.timeout} or
 * {@code spring.data.redis.connect-timeout}: no request thread may hang on Redis. Boot's
 * {@code redis} health component is off by default then, since the {@code cluster}
 * component reports Redis without a blocking call.
 */
class ClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String ENABLED = "portico.cluster.enabled";

	private static final List<String> REDIS_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean enabled = "true".equalsIgnoreCase(environment.getProperty(ENABLED, "false").trim());
		if (!enabled) {
			// keep what the user excluded, in whichever form it was given (a, b or [0])
			List<String> excluded = new ArrayList<>(Binder.get(environment)
				.bind("spring.autoconfigure.exclude", Bindable.listOf(String.class))
				.orElse(List.of()));
			excluded.addAll(REDIS_AUTO_CONFIGURATIONS);
			environment.getPropertySources()
				.addFirst(new MapPropertySource("portico-cluster-off",
						Map.of("spring.autoconfigure.exclude", String.join(",", excluded))));
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.data.redis.timeout", "1s");
		defaults.put("spring.data.redis.connect-timeout", "1s");
		defaults.put("management.health.redis.enabled", "false");
		// Portico keeps no Spring Data repositories in Redis: skip scanning for them
		defaults.put("spring.data.redis.repositories.enabled", "false");
		environment.getPropertySources().addLast(new MapPropertySource("portico-cluster-defaults", defaults));
	}

	@Override
	public int getOrder() {
		// after the config data (application.yml, profiles) has been loaded
		return Ordered.LOWEST_PRECEDENCE;
	}

}
