package dev.portico.web;

import java.util.Map;

/**
 * The body of {@code POST /api/listeners}.
 *
 * @param name the new listener's name: 1 to 40 lower-case letters, digits and dashes
 * @param type echo, multiconn, search or udp
 * @param port the port to bind, 0 for any free port; default per type
 * @param bind the address to bind; default 0.0.0.0
 * @param options any other listener setting, by its configuration key in kebab-case or
 * camelCase, e.g. {@code {"max-connections": 100, "idle-timeout": "30s", "autostart":
 * false}}
 * @param ssl TLS for a TCP listener: {@code {"bundle": "<a configured SSL bundle>",
 * "client-auth": "need", "handshake-timeout": "5s"}}; the same as {@code options.ssl}
 */
public record ListenerRequest(String name, String type, Integer port, String bind, Map<String, Object> options,
		Map<String, Object> ssl) {
}
