package dev.portico.listener;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A kind of listener: the one thing a listener type's package contributes, as a bean. It
 * names the type, says which keys it takes besides the common ones (as records the
 * registry binds with Spring Boot's {@code Binder}, from configuration or from the API's
 * {@code options}), and creates the runtime that serves a listener. Adding a type means
 * adding a package with one such bean; nothing else in the service changes.
 */
public interface ListenerType {

	/** The name written in configuration ({@code type: echo}), JSON and meter tags. */
	String id();

	/** The transport it serves. */
	Transport transport();

	/** The port a listener of this type binds when none is configured. */
	int defaultPort();

	/**
	 * Records bound from the listener's keys besides the common ones ({@code type},
	 * {@code port}, {@code bind}, {@code autostart}, {@code inbound-channel},
	 * {@code outbound-channel}); their components, in kebab case, are the keys this type
	 * accepts. Constraint annotations on them are checked.
	 */
	default List<Class<? extends Record>> optionTypes() {
		return List.of();
	}

	/**
	 * Values for keys the user did not set, where this type's default differs from the
	 * record's.
	 */
	default Map<String, String> defaults() {
		return Map.of();
	}

	/**
	 * Every kind of error listeners of this type count: their meters exist at 0 from the
	 * start.
	 */
	Collection<? extends ErrorKind> errorKinds();

	/** The reasons listeners of this type refuse connections for (none for datagrams). */
	default Collection<RejectReason> rejectReasons() {
		return (transport() == Transport.TCP) ? List.of(RejectReason.values()) : List.of();
	}

	/**
	 * Check a definition beyond what its records' constraints say (a key that needs
	 * another).
	 * @return what is wrong, as {@code key: reason}, or null
	 */
	default String check(ListenerDefinition definition) {
		return null;
	}

	/** A new, stopped runtime for a listener. */
	ListenerRuntime create(ListenerContext context);

}
