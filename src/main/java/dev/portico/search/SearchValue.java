package dev.portico.search;

/**
 * The JSON body of {@code PUT /api/search/entries/{key}}.
 *
 * @param value the answer to store for the key
 */
public record SearchValue(String value) {
}
