package dev.portico.listener;

/** A configuration value that stops start-up; names the key as the user writes it. */
public class InvalidConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String key;

	private final transient Object value;

	private final String reason;

	public InvalidConfigurationException(String key, Object value, String reason) {
		super("Invalid configuration " + key + "=" + value + ": " + reason);
		this.key = key;
		this.value = value;
		this.reason = reason;
	}

	public String key() {
		return this.key;
	}

	public Object value() {
		return this.value;
	}

	public String reason() {
		return this.reason;
	}

}
