package dev.portico.listener;

/**
 * Why a listener refused a connection at accept
 * ({@code portico.connections.rejected{reason=...}}).
 */
public enum RejectReason {

	/** The listener already holds {@code max-connections} connections. */
	MAX_CONNECTIONS("max-connections"),

	/**
	 * The service already holds {@code portico.max-connections} connections across its
	 * listeners.
	 */
	MAX_CONNECTIONS_TOTAL("max-connections-total"),

	/** The remote address already holds {@code max-connections-per-ip} connections. */
	MAX_CONNECTIONS_PER_IP("max-connections-per-ip"),

	/** The service is shutting down: listeners stopped accepting. */
	DRAINING("draining");

	private final String tag;

	RejectReason(String tag) {
		this.tag = tag;
	}

	/** The tag value. */
	public String tag() {
		return this.tag;
	}

}
