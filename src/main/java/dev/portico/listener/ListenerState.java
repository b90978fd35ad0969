package dev.portico.listener;

/** Where a listener is in its lifecycle. */
public enum ListenerState {

	/** Bound and serving. */
	RUNNING,

	/** Not bound: never started, or stopped by an operator. */
	STOPPED,

	/** Should run but could not bind; the listener carries the cause. */
	FAILED

}
