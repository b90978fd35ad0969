package dev.portico.tcp;

import java.util.List;

/**
 * Connections held by other replicas of the same service, for the operations the API
 * offers on one connection or all: the extension point through which a push, close or
 * broadcast reaches a connection wherever it is held. The default, {@link #NONE}, has no
 * other replicas (one process, cluster mode off); cluster mode provides a bean that
 * forwards through Redis. Callers try their own connections first and ask here only for
 * what they do not hold, except {@link #broadcast}, which covers every replica at once.
 *
 * <p>
 * An implementation that cannot reach the other replicas throws a 503
 * {@link org.springframework.web.ErrorResponseException} whose detail names the cause; no
 * call waits longer than a few seconds.
 */
public interface PeerConnections {

	/** No other replicas. */
	PeerConnections NONE = new PeerConnections() {

		@Override
		public boolean isClustered() {
			return false;
		}

		@Override
		public String localInstance() {
			return null;
		}

		@Override
		public Delivery push(String listener, String connectionId, byte[] bytes) {
			return new Delivery(PushResult.NO_SUCH_CONNECTION, null);
		}

		@Override
		public List<InstanceBroadcast> broadcast(String listener, byte[] bytes) {
			return List.of();
		}

		@Override
		public String close(String listener, String connectionId) {
			return null;
		}

	};

	/** Whether other replicas may exist; when false the caller acts alone. */
	boolean isClustered();

	/** This replica's instance id, or null when it runs alone. */
	String localInstance();

	/**
	 * Queue bytes to a connection that this replica does not hold.
	 * @return what the replica holding it did, and which replica that was;
	 * {@code NO_SUCH_CONNECTION} when no live replica holds it
	 */
	Delivery push(String listener, String connectionId, byte[] bytes);

	/**
	 * Queue bytes once on every open connection of the listener on every live replica,
	 * this one included.
	 * @return one entry per replica that answered
	 */
	List<InstanceBroadcast> broadcast(String listener, byte[] bytes);

	/**
	 * Close a connection that this replica does not hold.
	 * @return the instance that closed it, or null when no live replica holds it
	 */
	String close(String listener, String connectionId);

	/**
	 * What became of a push, and on which instance.
	 *
	 * @param result the holder's result
	 * @param instance the instance that holds the connection, or null
	 */
	record Delivery(PushResult result, String instance) {
	}

	/**
	 * One replica's share of a broadcast.
	 *
	 * @param instance the replica's instance id
	 * @param queued connections that got the bytes queued
	 * @param full connections skipped because their queue was full
	 * @param detail why the replica queued nothing (no such multiconn listener there), or
	 * null
	 */
	record InstanceBroadcast(String instance, int queued, int full, String detail) {
	}

}
