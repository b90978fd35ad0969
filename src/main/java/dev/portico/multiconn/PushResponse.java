package dev.portico.multiconn;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.portico.tcp.PeerConnections.InstanceBroadcast;

/**
 * What a push or broadcast queued.
 *
 * @param listener the listener
 * @param bytes the message size in bytes
 * @param queued connections that got it queued
 * @param full connections skipped because their queue was full (their peer is not
 * reading)
 * @param instance in cluster mode, the replica that holds the connection a push reached;
 * absent otherwise
 * @param instances in cluster mode, each replica's share of a broadcast; absent otherwise
 */
public record PushResponse(String listener, int bytes, int queued, int full,
		@JsonInclude(JsonInclude.Include.NON_NULL) String instance,
		@JsonInclude(JsonInclude.Include.NON_NULL) List<InstanceBroadcast> instances) {

	PushResponse(String listener, int bytes, int queued, int full) {
		this(listener, bytes, queued, full, null, null);
	}

}
