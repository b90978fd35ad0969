package dev.portico.listener;

/**
 * Published by the {@link ListenerRegistry} when a listener is created or deleted, for
 * those that follow listeners (meters, the console): each {@link Listener} object is
 * created once and deleted once; one re-created under the same name is a new object.
 */
public sealed interface ListenerEvent {

	/** The listener concerned. */
	Listener listener();

	/** A listener was created (stopped; starting it is a separate step). */
	record Created(Listener listener) implements ListenerEvent {
	}

	/** A listener was stopped and removed. */
	record Deleted(Listener listener) implements ListenerEvent {
	}

}
