package dev.portico.listener;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The listeners defined in configuration, {@code portico.listeners.<name>.*}. The registry validates
 * them at start, so a bad value stops the service with a message that names its key.
 *
 * @param listeners the listeners by name (lower-case letters, digits and dashes, at most 40)
 * @param drainTimeout on shutdown, how long listeners that stopped accepting wait for queued
 * output to be written before their connections close; default 5s
 * @param maxBufferedBytes bytes queued for writing across all connections of all listeners;
 * past it, reads that would queue more pause and pushes are refused; default 256MB
 * @param platformThreads per TCP listener, how many connections at once are served on platform
 * threads before virtual threads (Java 21+) take the rest; default 0: all virtual. A platform
 * thread answered one busy echo connection with a third of the CPU; virtual threads won from about
 * a hundred connections on, and on multiconn and search (README, Performance), and a parked one
 * costs a few KiB instead of a thread stack. On Java 17 every connection has a platform thread.
 */
@ConfigurationProperties("portico")
public record ListenersProperties(Map<String, ListenerProperties> listeners,
		@NotNegative Duration drainTimeout, @NotNegative DataSize maxBufferedBytes,
		@jakarta.validation.constraints.Min(0) Integer platformThreads) {

	public ListenersProperties {
		listeners = (listeners != null) ? new LinkedHashMap<>(listeners) : new LinkedHashMap<>();
		drainTimeout = (drainTimeout != null) ? drainTimeout : Duration.ofSeconds(5);
		maxBufferedBytes = (maxBufferedBytes != null) ? maxBufferedBytes : DataSize.ofMegabytes(256);
		platformThreads = (platformThreads != null) ? platformThreads : 0;
	}

}
