package dev.portico.search;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keys a search listener takes besides the TCP ones.
 *
 * @param keepAlive serve many requests per connection, in order, instead of closing after
 * the first answer as the reference server does; default false
 */
public record SearchOptions(@DefaultValue("false") boolean keepAlive) {
}
