package dev.portico.listener;

import dev.portico.connection.TrafficStats;

/** Creates the runtime of one listener type; each type's package contributes one as a bean. */
public interface ListenerRuntimeProvider {

	ListenerType type();

	/**
	 * A new, stopped runtime.
	 * @param name the listener's name
	 * @param properties its definition
	 * @param stats where it counts its traffic
	 */
	ListenerRuntime create(String name, ListenerProperties properties, TrafficStats stats);

}
