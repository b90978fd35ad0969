/**
 * Cluster mode: several replicas behind one load balancer share the search index,
 * connection operations, listener lifecycle and one view through Redis. Off by default
 * ({@code portico.cluster.enabled}); it reaches the other modules only through their
 * extension points ({@code PeerConnections}, {@code SearchIndexStore}) and public APIs.
 */
package dev.portico.cluster;
