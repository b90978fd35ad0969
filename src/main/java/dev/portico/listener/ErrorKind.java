package dev.portico.listener;

/**
 * A kind of error a listener counts ({@code portico.errors{kind=...}}) and logs. Each
 * module declares its kinds as an enum implementing this, so the set is closed and a typo
 * cannot make a new meter series; a listener type lists the kinds it can count
 * ({@link ListenerType#errorKinds()}) and their meters exist at 0 from the start.
 */
public interface ErrorKind {

	/** The tag value: lower case words joined by dashes, e.g. {@code write-timeout}. */
	String tag();

}
