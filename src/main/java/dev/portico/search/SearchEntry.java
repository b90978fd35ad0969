package dev.portico.search;

/**
 * One search index entry.
 *
 * @param key the query, any Unicode text
 * @param value the answer
 */
public record SearchEntry(String key, String value) {
}
