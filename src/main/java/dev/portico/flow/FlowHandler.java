package dev.portico.flow;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.springframework.integration.ip.tcp.serializer.AbstractByteArraySerializer;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

import dev.portico.tcp.ConnectionHandler;
import dev.portico.tcp.ConnectionState;
import dev.portico.tcp.FrameReader;
import dev.portico.tcp.PushResult;
import dev.portico.tcp.TcpContext;
import dev.portico.tcp.TcpErrorKind;

import static dev.portico.listener.Throwables.rootMessage;

/**
 * A listener with no behaviour of its own: each framed message goes to the inbound
 * channel with a reply channel that writes back to its connection, framed the same way,
 * through the connection's bounded queue. Whatever the subscribed flow replies is the
 * answer.
 */
final class FlowHandler implements ConnectionHandler<byte[]> {

	/**
	 * Bytes buffered per connection: Spring Integration's serializers read a byte at a
	 * time.
	 */
	private static final int READ_BUFFER = 4096;

	private final TcpContext context;

	private final AbstractByteArraySerializer serializer;

	FlowHandler(TcpContext context, AbstractByteArraySerializer serializer) {
		this.context = context;
		this.serializer = serializer;
	}

	@Override
	public FrameReader<byte[]> newReader(ConnectionState connection) {
		return new FrameReader<>() {

			private BufferedInputStream buffered;

			@Override
			public byte[] read(InputStream in) throws IOException {
				if (this.buffered == null) {
					this.buffered = new BufferedInputStream(in, READ_BUFFER);
				}
				// wait for a message's first byte outside the frame timeout, then read it
				// within it
				this.buffered.mark(1);
				if (this.buffered.read() < 0) {
					throw new EOFException("Stream closed between messages");
				}
				this.buffered.reset();
				connection.frameStarted();
				try {
					return FlowHandler.this.serializer.deserialize(this.buffered);
				}
				finally {
					connection.frameEnded();
				}
			}

		};
	}

	@Override
	public void onMessage(ConnectionState connection, byte[] message) {
		MessageChannel replies = (reply, timeout) -> connection.push(toBytes(reply.getPayload())) == PushResult.QUEUED;
		Message<byte[]> inbound = MessageBuilder.fromMessage(this.context.inboundMessage(connection, message))
			.setHeader(MessageHeaders.REPLY_CHANNEL, replies)
			.build();
		try {
			this.context.inboundChannel().send(inbound);
		}
		catch (RuntimeException ex) {
			this.context.log()
				.error(TcpErrorKind.CHANNEL,
						"the flow failed on a message from " + connection.remoteAddress() + ": " + rootMessage(ex));
		}
	}

	@Override
	public boolean sendsToInboundChannel() {
		return true;
	}

	/** A reply or outbound payload, framed. */
	@Override
	public byte[] toBytes(Object payload) {
		byte[] bytes = ConnectionHandler.super.toBytes(payload);
		ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 8);
		try {
			this.serializer.serialize(bytes, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
