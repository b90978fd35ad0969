package dev.portico.search;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.portico.listener.InvalidDefinitionException;
import dev.portico.tcp.TcpServers;

/** Wires the search index and the search listener type. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchProperties.class)
class SearchConfiguration {

	/**
	 * Loaded at start: a missing or corrupt file stops start-up with a message naming it.
	 */
	@Bean
	SearchIndex searchIndex(SearchProperties properties) {
		try {
			return SearchIndex.open(properties.dataDir(), properties.indexFile());
		}
		catch (SearchIndexException ex) {
			boolean seed = ex.getFile() == null || !ex.getFile().startsWith(properties.dataDir());
			throw new InvalidDefinitionException(seed ? "portico.search.index-file" : "portico.search.data-dir",
					seed ? properties.indexFile() : properties.dataDir(), ex.getMessage());
		}
	}

	@Bean
	@Order(3)
	SearchListenerType searchListenerType(TcpServers tcpServers, SearchIndex index,
			ObjectProvider<MeterRegistry> meters) {
		return new SearchListenerType(tcpServers, index, meters.getIfAvailable(SimpleMeterRegistry::new));
	}

}
