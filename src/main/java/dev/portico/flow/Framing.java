package dev.portico.flow;

import org.springframework.integration.ip.tcp.serializer.AbstractByteArraySerializer;
import org.springframework.integration.ip.tcp.serializer.ByteArrayCrLfSerializer;
import org.springframework.integration.ip.tcp.serializer.ByteArrayLengthHeaderSerializer;
import org.springframework.integration.ip.tcp.serializer.ByteArrayLfSerializer;
import org.springframework.integration.ip.tcp.serializer.ByteArrayRawSerializer;
import org.springframework.integration.ip.tcp.serializer.ByteArrayStxEtxSerializer;

/**
 * How a {@code flow} listener cuts its byte stream into messages: one of Spring
 * Integration's serializers.
 */
public enum Framing {

	/** The whole stream until the peer closes its output is one message. */
	RAW,

	/** Messages end with {@code \r\n}. */
	CRLF,

	/** Messages end with {@code \n}. */
	LF,

	/** Each message is preceded by its length, a 4-byte big-endian integer. */
	LENGTH_HEADER,

	/** Each message is wrapped in STX ({@code 0x02}) and ETX ({@code 0x03}). */
	STX_ETX;

	/**
	 * A new serializer for this framing, refusing messages longer than
	 * {@code maxMessageSize}.
	 */
	AbstractByteArraySerializer serializer(int maxMessageSize) {
		AbstractByteArraySerializer serializer = switch (this) {
			case RAW -> new ByteArrayRawSerializer();
			case CRLF -> new ByteArrayCrLfSerializer();
			case LF -> new ByteArrayLfSerializer();
			case LENGTH_HEADER -> new ByteArrayLengthHeaderSerializer();
			case STX_ETX -> new ByteArrayStxEtxSerializer();
		};
		serializer.setMaxMessageSize(maxMessageSize);
		return serializer;
	}

}
