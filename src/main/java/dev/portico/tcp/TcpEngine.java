package dev.portico.tcp;

/**
 * How a TCP listener serves its connections ({@code portico.tcp-engine}).
 */
public enum TcpEngine {

	/**
	 * The event loop for every listener whose type can run on it and that has no
	 * {@code inbound-channel} (a subscribed flow may block, which an event loop must
	 * not); threads otherwise. The default.
	 */
	AUTO,

	/**
	 * A few selector threads (one per core by default, {@code portico.event-loops}) read
	 * and write every connection without blocking; Spring Integration's NIO connection
	 * factory accepts. Memory per connection is a few hundred bytes and there is no
	 * thread hop per message. Listener types that read by blocking ({@code flow}) stay on
	 * threads.
	 */
	EVENT_LOOP,

	/**
	 * Spring Integration's NET connection factory: one blocking thread per connection
	 * (virtual on Java 21+, platform threads on Java 17).
	 */
	THREADS

}
