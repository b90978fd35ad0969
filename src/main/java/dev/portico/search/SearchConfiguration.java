package dev.portico.search;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.portico.connection.TrafficStats;
import dev.portico.listener.InvalidConfigurationException;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.ListenerRuntimeProvider;
import dev.portico.listener.ListenerType;
import dev.portico.listener.TcpListeners;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Wires the search index and the search listener type. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchProperties.class)
class SearchConfiguration {

	/** Loaded at start: a missing or corrupt file stops start-up with a message naming the file. */
	@Bean
	SearchIndex searchIndex(SearchProperties properties) {
		try {
			return new SearchIndex(properties.indexFile());
		}
		catch (SearchIndexException ex) {
			throw new InvalidConfigurationException("portico.search.index-file", properties.indexFile(),
					ex.getMessage());
		}
	}

	@Bean
	ListenerRuntimeProvider searchListenerProvider(TcpListeners tcpListeners, SearchIndex index,
			ObjectProvider<MeterRegistry> meters) {
		MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
		return new ListenerRuntimeProvider() {

			@Override
			public ListenerType type() {
				return ListenerType.SEARCH;
			}

			@Override
			public ListenerRuntime create(String name, ListenerProperties properties, TrafficStats stats) {
				SearchHandler handler = new SearchHandler(name, index, properties.maxMessageBytes(),
						properties.keepAlive(), registry);
				return tcpListeners.runtime(handler.bind(tcpListeners.server(name, properties, handler, stats)));
			}

		};
	}

}
