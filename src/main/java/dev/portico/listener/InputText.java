package dev.portico.listener;

/**
 * Client input quoted back in a message: at most {@value #MAX} characters, control
 * characters replaced, so an answer or a log line never echoes unbounded input (a 20 MB
 * name came back whole in a 400).
 */
public final class InputText {

	/** The most characters of a value quoted back. */
	public static final int MAX = 100;

	private InputText() {
	}

	/**
	 * The value as text fit to quote: cut at {@value #MAX} characters, with its length.
	 */
	public static String quote(Object value) {
		if (value == null) {
			return "";
		}
		String text = value.toString();
		String cut = (text.length() > MAX) ? text.substring(0, MAX) : text;
		StringBuilder clean = new StringBuilder(cut.length() + 24);
		cut.codePoints().forEach((c) -> clean.appendCodePoint(Character.isISOControl(c) ? '?' : c));
		if (text.length() > MAX) {
			clean.append("... (").append(text.length()).append(" characters)");
		}
		return clean.toString();
	}

}
