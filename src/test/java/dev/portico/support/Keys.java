package dev.portico.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Listener definitions for tests, as the keys a user writes:
 * {@code Keys.of("echo", 0, "max-connections", 3)}.
 */
public final class Keys {

	private Keys() {
	}

	/** A listener of {@code type} on {@code port}, with more keys and values in pairs. */
	public static Map<String, Object> of(String type, int port, Object... more) {
		Map<String, Object> keys = new LinkedHashMap<>();
		keys.put("type", type);
		keys.put("port", port);
		for (int i = 0; i + 1 < more.length; i += 2) {
			if (more[i + 1] != null) {
				keys.put(more[i].toString(), more[i + 1]);
			}
		}
		return keys;
	}

}
