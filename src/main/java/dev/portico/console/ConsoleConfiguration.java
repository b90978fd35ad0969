package dev.portico.console;

import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.portico.listener.ListenerRegistry;

/** Wires the console's event source and what the page is told about this service. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleConfiguration {

	/**
	 * The cluster view's path: the console shows replicas only where it is mapped and
	 * answers.
	 */
	static final String CLUSTER_PATH = "/api/cluster";

	@Bean(destroyMethod = "destroy")
	ConsoleEvents consoleEvents(ListenerRegistry registry, ConsoleProperties properties, JsonMapper jsonMapper) {
		return new ConsoleEvents(registry, properties, jsonMapper);
	}

	/**
	 * Read once, on the first request, when every controller is mapped. The console asks
	 * this instead of probing {@code /api/cluster}, whose 404 would be an error in the
	 * browser's console.
	 */
	@Bean
	Supplier<ConsoleInfo> consoleInfo(Environment environment, ConsoleProperties properties,
			ObjectProvider<RequestMappingHandlerMapping> mappings) {
		return SingletonSupplier
			.of(() -> new ConsoleInfo(environment.getProperty("portico.api.open-reads", Boolean.class, Boolean.TRUE),
					mappings.orderedStream().anyMatch(ConsoleConfiguration::mapsCluster),
					properties.interval().toMillis(), properties.history().toSeconds()));
	}

	private static boolean mapsCluster(RequestMappingHandlerMapping mapping) {
		for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
			boolean get = info.getMethodsCondition().getMethods().isEmpty() || info.getMethodsCondition()
				.getMethods()
				.stream()
				.anyMatch((m) -> m.asHttpMethod() == HttpMethod.GET);
			if (get && info.getPatternValues().contains(CLUSTER_PATH)) {
				return true;
			}
		}
		return false;
	}

}
