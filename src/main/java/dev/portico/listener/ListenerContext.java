package dev.portico.listener;

import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;

/**
 * What a {@link ListenerType} gets to build one listener's runtime.
 *
 * @param definition the listener's definition
 * @param stats where it counts its traffic
 * @param log where it counts and logs bad events
 * @param inboundChannel the channel that receives a copy of what it reads, or null
 * @param outboundChannel the channel whose messages it writes to its connections, or null
 */
public record ListenerContext(ListenerDefinition definition, TrafficStats stats, ListenerLog log,
		MessageChannel inboundChannel, SubscribableChannel outboundChannel) {

	/** The listener's name. */
	public String name() {
		return this.definition.name();
	}

}
