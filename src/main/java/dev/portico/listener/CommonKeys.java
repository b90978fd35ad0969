package dev.portico.listener;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keys every listener takes, whatever its type.
 *
 * @param type the listener type: echo, multiconn, search, udp or flow
 * @param port the port to bind, 0 for any free port; default per type
 * @param bind the address to bind, an IP literal; default 0.0.0.0 (every interface)
 * @param autostart whether to start with the service (or on creation); default true
 * @param inboundChannel a {@code MessageChannel} bean that receives a copy of every
 * message read
 * @param outboundChannel a {@code SubscribableChannel} bean whose messages are written to
 * the connection (or datagram sender) they name
 */
record CommonKeys(String type, @Min(0) @Max(65535) Integer port,
		@DefaultValue("0.0.0.0") @NotBlank @IpLiteral String bind, @DefaultValue("true") boolean autostart,
		String inboundChannel, String outboundChannel) {
}
