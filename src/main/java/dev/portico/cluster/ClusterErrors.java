package dev.portico.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts what Portico found on its Redis keys and channels that it could not use (garbage
 * written by something else, a message from an incompatible version) as
 * {@code portico.cluster.errors}, and logs each kind once: the replica ignores it and
 * goes on.
 */
final class ClusterErrors {

	private static final Log logger = LogFactory.getLog(ClusterErrors.class);

	private final Counter counter;

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	ClusterErrors(MeterRegistry registry) {
		this.counter = Counter.builder("portico.cluster.errors")
			.description("Unusable data found on Portico's Redis keys and channels, ignored")
			.register(registry);
	}

	/**
	 * Count one, and log it if nothing was logged yet for {@code where}.
	 * @param where the key or channel
	 * @param what what was wrong with it
	 */
	void ignored(String where, String what) {
		this.counter.increment();
		if (this.logged.add(where)) {
			logger.warn("Cluster mode: ignoring unusable data on Redis " + where + " (" + what
					+ "); further cases there are only counted in portico.cluster.errors");
		}
	}

	double count() {
		return this.counter.count();
	}

}
