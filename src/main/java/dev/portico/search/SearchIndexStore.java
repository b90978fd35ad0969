package dev.portico.search;

/**
 * Where changes made to the search index through the API are stored: the extension point
 * that lets the index be shared. The default is the {@link SearchIndex} itself, which
 * writes its file. Cluster mode provides a bean that stores changes in Redis; every
 * replica's {@link SearchIndex} then follows as an in-memory copy, so search requests
 * never wait on the store.
 *
 * <p>
 * A store that cannot be reached throws a 503
 * {@link org.springframework.web.ErrorResponseException} naming the cause; nothing
 * changed then.
 */
public interface SearchIndexStore {

	/**
	 * Add or replace an entry.
	 * @return {@code true} if the entry was created, {@code false} if it existed
	 */
	boolean put(String key, String value);

	/**
	 * Remove an entry.
	 * @return whether there was such an entry
	 */
	boolean remove(String key);

}
