package dev.portico.listener;

/**
 * A listener definition (or another configuration value) that cannot be used, naming the
 * key at fault. The same problem is told two ways: to a person reading a failed start-up
 * ({@link #configurationKey}, value, reason) and to an API client ({@link #getMessage()},
 * a sentence that says what to send instead).
 */
public class InvalidDefinitionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String configurationKey;

	private final transient Object value;

	private final String reason;

	/** A configuration value that stops start-up, with the key as the user writes it. */
	public InvalidDefinitionException(String configurationKey, Object value, String reason) {
		this(configurationKey, value, reason,
				"Invalid configuration " + configurationKey + "=" + value + ": " + reason);
	}

	InvalidDefinitionException(String configurationKey, Object value, String reason, String detail) {
		super(detail);
		this.configurationKey = configurationKey;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * The key as a user writes it in configuration, e.g.
	 * {@code portico.listeners.echo.port}.
	 */
	public String configurationKey() {
		return this.configurationKey;
	}

	/** The value at fault, or null when it is missing. */
	public Object value() {
		return this.value;
	}

	/** What is wrong and what to write instead. */
	public String reason() {
		return this.reason;
	}

}
