package dev.portico.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The cluster's meters: {@code portico.cluster.instances} (live replicas as this one last
 * saw them), {@code portico.cluster.forwarded} (operations this replica sent to the
 * others, by {@code operation}, every tag at 0 from the start) and
 * {@code portico.cluster.errors} ({@link ClusterErrors}).
 */
final class ClusterMeters {

	static final List<String> OPERATIONS = List.of(ClusterConnections.PUSH, ClusterConnections.BROADCAST,
			ClusterConnections.CLOSE, ClusterListeners.LIFECYCLE);

	private final Map<String, Counter> forwarded = new LinkedHashMap<>();

	ClusterMeters(MeterRegistry registry, IntSupplier instances) {
		Gauge.builder("portico.cluster.instances", instances::getAsInt)
			.description("Live replicas in the cluster, as this replica last saw them")
			.strongReference(true)
			.register(registry);
		for (String operation : OPERATIONS) {
			this.forwarded.put(operation,
					Counter.builder("portico.cluster.forwarded")
						.description("Operations sent to the other replicas through Redis")
						.tag("operation", operation)
						.register(registry));
		}
	}

	Counter forwarded(String operation) {
		return this.forwarded.get(operation);
	}

}
