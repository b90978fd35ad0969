package dev.portico.console;

import java.util.List;

import dev.portico.listener.ListenerState;
import dev.portico.listener.ListenerStatus;

/**
 * What changed since the previous look, batched: the data of a {@code change} event.
 * However many connections open or close between two looks, this is one event with
 * counts.
 *
 * @param listeners the status now of every listener that changed (added, state,
 * connections)
 * @param removed names of listeners deleted since the previous look
 * @param states state changes, including listeners added (from null)
 * @param connections connection counts that changed, per listener
 */
record ListenerChanges(List<ListenerStatus> listeners, List<String> removed, List<StateChange> states,
		List<ConnectionChange> connections) {

	boolean isEmpty() {
		return this.listeners.isEmpty() && this.removed.isEmpty();
	}

	/**
	 * A listener changed state.
	 *
	 * @param listener its name
	 * @param from the state before, null if the listener is new
	 * @param to the state now
	 * @param failure why it failed, when FAILED
	 */
	record StateChange(String listener, ListenerState from, ListenerState to, String failure) {
	}

	/**
	 * Connections opened, closed or refused on one listener since the previous look.
	 *
	 * @param listener its name
	 * @param opened connections accepted
	 * @param closed connections that ended
	 * @param rejected connections refused at accept
	 * @param active connections open now
	 */
	record ConnectionChange(String listener, long opened, long closed, long rejected, int active) {
	}

}
