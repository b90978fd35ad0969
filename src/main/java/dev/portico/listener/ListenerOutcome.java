package dev.portico.listener;

/**
 * The explicit result of a lifecycle call on the {@link ListenerRegistry}.
 *
 * @param result what happened
 * @param listener the listener concerned, or null if there is none
 * @param detail a sentence for people, naming the cause of a failure
 */
public record ListenerOutcome(Result result, Listener listener, String detail) {

	/** What a lifecycle call did. */
	public enum Result {

		CREATED, STARTED, ALREADY_RUNNING, STOPPED, ALREADY_STOPPED, DELETED,

		/** No listener has that name. */
		NOT_FOUND,

		/** Another listener has that name. */
		NAME_TAKEN,

		/** Another listener of the same transport is configured on that port. */
		PORT_TAKEN,

		/** The definition is invalid. */
		INVALID,

		/** The service is shutting down: nothing is started. */
		DRAINING,

		/**
		 * The port could not be bound; the listener is FAILED (or, when just created, not
		 * kept).
		 */
		BIND_FAILED;

		/** Whether the call did what was asked (or it was already so). */
		public boolean isSuccess() {
			return switch (this) {
				case CREATED, STARTED, ALREADY_RUNNING, STOPPED, ALREADY_STOPPED, DELETED -> true;
				default -> false;
			};
		}

	}

}
