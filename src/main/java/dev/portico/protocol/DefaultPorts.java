package dev.portico.protocol;

/** The ports of the default listeners, which the clients and bench aim at by default. */
public final class DefaultPorts {

	public static final int ECHO = 65432;

	public static final int MULTICONN = 65433;

	public static final int SEARCH = 65434;

	public static final int UDP = 65435;

	private DefaultPorts() {
	}

}
