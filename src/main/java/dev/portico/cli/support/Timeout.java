package dev.portico.cli.support;

import java.time.Duration;

import picocli.CommandLine.Option;

/** The clients' {@code --timeout} option: how long to wait for the server. */
public final class Timeout {

	@Option(names = "--timeout", converter = DurationConverter.class,
			description = "How long to wait for the server: to connect and to answer.")
	private Duration timeout;

	/** The timeout used when {@code --timeout} is not given (shown as its default). */
	public Timeout(Duration defaultTimeout) {
		this.timeout = defaultTimeout;
	}

	public Duration get() {
		return this.timeout;
	}

}
