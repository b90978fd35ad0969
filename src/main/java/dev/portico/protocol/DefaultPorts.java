package dev.portico.protocol;

/** The ports of the four default listeners, which the bundled clients also assume. */
public final class DefaultPorts {

	/** The echo listener. */
	public static final int ECHO = 65432;

	/** The multiconn listener. */
	public static final int MULTICONN = 65433;

	/** The search listener. */
	public static final int SEARCH = 65434;

	/** The UDP listener. */
	public static final int UDP = 65435;

	private DefaultPorts() {
	}

}
