package dev.portico.tcp;

/** Why Portico closed a connection (a connection the peer closed has none). */
public enum CloseReason {

	/** Refused at accept by the {@link AcceptPolicy}. */
	REJECTED,

	/** An operator closed it through the API. */
	OPERATOR,

	/** Its listener stopped. */
	STOPPED,

	/** A write failed. */
	WRITE_FAILED,

	/** It sent nothing for the idle timeout. */
	IDLE_TIMEOUT,

	/** Its peer did not read for the write timeout. */
	WRITE_TIMEOUT,

	/** A frame did not arrive whole within the frame timeout. */
	FRAME_TIMEOUT,

	/** What it sent could not be queued in time: its peer does not read. */
	QUEUE_OVERFLOW,

	/** The protocol ends the connection after an answer (search without keep-alive). */
	ANSWERED,

	/** It sent input the protocol refuses. */
	BAD_INPUT,

	/** Its thread was interrupted (the service is stopping). */
	INTERRUPTED,

	/** Its PROXY protocol header was refused or did not arrive in time. */
	PROXY_PROTOCOL,

	/** Its TLS handshake failed or did not finish in time. */
	TLS

}
