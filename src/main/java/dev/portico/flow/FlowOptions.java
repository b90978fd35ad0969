package dev.portico.flow;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keys a {@code flow} listener takes besides the TCP ones.
 *
 * @param framing how messages are cut from the stream and written: raw, crlf (default),
 * lf, length-header or stx-etx
 */
public record FlowOptions(@DefaultValue("crlf") Framing framing) {
}
