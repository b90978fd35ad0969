package dev.portico.cluster;

/**
 * What replicas send each other over Redis pub/sub: a request to every replica, and each
 * replica's reply to the one that asked. Serialized as JSON; anything else on the
 * channels is counted and ignored.
 */
final class ClusterMessage {

	private ClusterMessage() {
	}

	/**
	 * A request to every replica.
	 *
	 * @param id unique per request, echoed in replies
	 * @param from the asking instance, where replies go
	 * @param op push, close, broadcast, status or lifecycle
	 * @param listener the listener concerned
	 * @param connection the connection concerned (push, close)
	 * @param bytes the bytes to queue, Base64 (push, broadcast)
	 * @param definition a cluster-wide listener's definition as JSON, or null when it was
	 * deleted (lifecycle)
	 */
	record Request(String id, String from, String op, String listener, String connection, String bytes,
			String definition) {

		boolean isWellFormed() {
			return this.id != null && this.from != null && this.op != null;
		}

	}

	/**
	 * One replica's answer to a request.
	 *
	 * @param id the request's id
	 * @param from the answering instance
	 * @param result what happened there, by name (QUEUED, NO_SUCH_CONNECTION, CLOSED,
	 * ...)
	 * @param queued connections that got bytes queued (broadcast)
	 * @param full connections skipped for a full queue (broadcast)
	 * @param detail a sentence for people, or null
	 * @param body JSON the operation returns (status, lifecycle), or null
	 */
	record Reply(String id, String from, String result, int queued, int full, String detail, String body) {

		boolean isWellFormed() {
			return this.id != null && this.from != null && this.result != null;
		}

	}

}
