package dev.portico.listener;

import java.util.Locale;

/** The transport a listener serves. */
public enum Transport {

	/** A byte stream per connection. */
	TCP,

	/** Datagrams. */
	UDP;

	/** {@code tcp} or {@code udp}, as configuration, JSON and logs write it. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	@Override
	public String toString() {
		return id();
	}

}
