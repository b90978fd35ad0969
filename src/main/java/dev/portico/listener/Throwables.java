package dev.portico.listener;

/** Names the root cause of a failure in one line, for logs and problem details. */
public final class Throwables {

	private Throwables() {
	}

	/** {@code SimpleClassName: message} of the innermost cause. */
	public static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
