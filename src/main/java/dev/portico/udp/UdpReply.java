package dev.portico.udp;

/** What a UDP listener sends back for each datagram. */
public enum UdpReply {

	/** The same bytes. */
	ECHO,

	/** {@code Message received: } followed by the payload. */
	ACK,

	/** Nothing. */
	NONE

}
