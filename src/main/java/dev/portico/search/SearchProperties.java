package dev.portico.search;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the search feature, {@code portico.search.*}.
 *
 * @param indexFile the JSON file that seeds the search index; default: the index shipped
 * in the jar (the same as {@code config/search-index.json})
 * @param dataDir where changes made through the API are written
 * ({@code search-index.json} in it), so the seed stays as shipped; default {@code data}
 * under the working directory. Once that file exists, it is the index.
 */
@Validated
@ConfigurationProperties("portico.search")
public record SearchProperties(Path indexFile, @DefaultValue("data") Path dataDir) {
}
