package dev.portico.protocol;

/** The ports of the default listeners: the service binds them, the clients and bench aim at them. */
public final class DefaultPorts {

	/** The echo listener (TCP). */
	public static final int ECHO = 65432;

	/** The multiconn listener (TCP). */
	public static final int MULTICONN = 65433;

	/** The search listener (TCP). */
	public static final int SEARCH = 65434;

	/** The udp listener (UDP). */
	public static final int UDP = 65435;

	private DefaultPorts() {
	}

}
