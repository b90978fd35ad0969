package dev.portico.search;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the search feature, {@code portico.search.*}.
 * @param indexFile the JSON file the search index is loaded from and written back to; default
 * {@code config/search-index.json}
 */
@ConfigurationProperties("portico.search")
public record SearchProperties(Path indexFile) {

	public SearchProperties {
		indexFile = (indexFile != null) ? indexFile : Path.of("config", "search-index.json");
	}

}
