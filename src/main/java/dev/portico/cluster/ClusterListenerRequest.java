package dev.portico.cluster;

import java.util.Map;

/**
 * The body of {@code POST /api/cluster/listeners}: the same as {@code POST
 * /api/listeners}.
 *
 * @param name the listener's name
 * @param type echo, multiconn, search, udp or flow
 * @param port the port every replica binds, 0 for any free port
 * @param bind the address to bind; default 0.0.0.0
 * @param options any other listener setting, by its configuration key
 */
public record ClusterListenerRequest(String name, String type, Integer port, String bind, Map<String, Object> options) {
}
