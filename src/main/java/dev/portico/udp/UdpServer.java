package dev.portico.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.channel.NullChannel;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import dev.portico.listener.ListenerContext;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.PorticoHeaders;
import dev.portico.listener.TrafficStats;

import static dev.portico.listener.Throwables.rootMessage;

/**
 * A UDP listener on Spring Integration's {@link UnicastReceivingChannelAdapter}: its
 * receive loop answers each datagram itself, from the listening socket ({@code recvfrom}
 * + {@code sendto}), into one reused buffer. Replying takes microseconds, so handing
 * datagrams to a pool cost more than it saved (a thread hop and a 64 KiB buffer per
 * datagram); and a flood is absorbed by the kernel's socket buffer (and past it dropped
 * by the kernel), never by the heap.
 *
 * <p>
 * Before anything answers a datagram (the built-in reply or a flow on the inbound
 * channel), its {@link ReplyGuard} checks its source: never one of this service's own
 * sockets, port 0 or a well-known port, and within the per-source reply rate.
 */
final class UdpServer implements ListenerRuntime {

	static final byte[] ACK_PREFIX = "Message received: ".getBytes(StandardCharsets.US_ASCII);

	private final ListenerContext context;

	private final UdpOptions options;

	private final TrafficStats stats;

	private final BeanFactory beanFactory;

	private final ApplicationEventPublisher eventPublisher;

	private final UdpSockets sockets;

	private final MessageHandler outbound = this::sendOutbound;

	private Adapter adapter;

	private InetSocketAddress bound;

	/** Confined to the receive thread; a new one per start. */
	private volatile ReplyGuard guard;

	private ThreadPoolExecutor executor;

	UdpServer(ListenerContext context, BeanFactory beanFactory, ApplicationEventPublisher eventPublisher,
			UdpSockets sockets) {
		this.context = context;
		this.sockets = sockets;
		this.options = context.definition().options(UdpOptions.class);
		this.stats = context.stats();
		this.beanFactory = beanFactory;
		this.eventPublisher = eventPublisher;
	}

	@Override
	public synchronized int start() throws IOException {
		DatagramSocket socket = new DatagramSocket(null);
		ThreadPoolExecutor pool = null;
		try {
			socket.bind(new InetSocketAddress(InetAddress.getByName(this.context.definition().bind()),
					this.context.definition().port()));
			socket.setReceiveBufferSize(4 * 1024 * 1024);
			// known before the first datagram can arrive, so no reply escapes the check
			this.bound = (InetSocketAddress) socket.getLocalSocketAddress();
			this.sockets.add(this.bound);
			this.guard = new ReplyGuard(this.context.name(), this.sockets, this.options, System.nanoTime());
			// the receive loop's one thread
			pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
				Thread thread = new Thread(task, "portico-" + this.context.name());
				thread.setDaemon(true);
				return thread;
			});
			Adapter newAdapter = new Adapter(socket, this.options.maxMessageBytes() + 1);
			newAdapter.setSocket(socket);
			newAdapter.setReceiveBufferSize(this.options.maxMessageBytes() + 1);
			newAdapter.setTaskExecutor(pool);
			newAdapter.setOutputChannel(new NullChannel());
			newAdapter.setBeanFactory(this.beanFactory);
			newAdapter.setApplicationEventPublisher(this.eventPublisher);
			newAdapter.setBeanName("portico." + this.context.name());
			newAdapter.afterPropertiesSet();
			newAdapter.start();
			this.adapter = newAdapter;
			this.executor = pool;
		}
		catch (IOException | RuntimeException ex) {
			// nothing stays bound or registered after a failed start
			socket.close();
			if (pool != null) {
				pool.shutdownNow();
			}
			releaseAddress();
			throw ex;
		}
		SubscribableChannel channel = this.context.outboundChannel();
		if (channel != null) {
			channel.subscribe(this.outbound);
		}
		return socket.getLocalPort();
	}

	@Override
	public synchronized void stop() {
		if (this.adapter == null) {
			return;
		}
		SubscribableChannel channel = this.context.outboundChannel();
		if (channel != null) {
			channel.unsubscribe(this.outbound);
		}
		this.adapter.stop();
		this.adapter.getSocket().close();
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executor.shutdownNow();
		}
		this.adapter = null;
		this.executor = null;
		releaseAddress();
	}

	private void releaseAddress() {
		if (this.bound != null) {
			this.sockets.remove(this.bound);
			this.bound = null;
		}
	}

	void handle(DatagramSocket socket, DatagramPacket packet) {
		int length = packet.getLength();
		this.stats.received(length);
		if (length > this.options.maxMessageBytes()) {
			this.context.log()
				.error(UdpErrorKind.OVERSIZED, "dropped a datagram from " + packet.getSocketAddress() + " larger than "
						+ this.options.maxMessageBytes() + " bytes");
			return;
		}
		MessageChannel inbound = this.context.inboundChannel();
		boolean answerable = inbound != null || this.options.reply() != UdpReply.NONE;
		if (answerable && !admit(packet)) {
			return;
		}
		if (inbound != null) {
			sendInbound(inbound, packet);
		}
		byte[] reply = reply(this.options.reply(), packet.getData(), packet.getOffset(), length);
		if (reply == null) {
			return;
		}
		try {
			socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
			this.stats.sent(reply.length, 1);
		}
		catch (IOException ex) {
			if (!socket.isClosed()) {
				this.context.log()
					.error(UdpErrorKind.SEND, "reply to " + packet.getSocketAddress() + " failed: " + ex.getMessage());
			}
		}
	}

	/**
	 * Whether a datagram may be answered or handed on; a refused one is counted and
	 * logged (once per source per minute).
	 */
	private boolean admit(DatagramPacket packet) {
		long now = System.nanoTime();
		ReplyGuard current = this.guard;
		UdpErrorKind dropped = current.check(packet.getAddress(), packet.getPort(), now);
		if (dropped == null) {
			return true;
		}
		this.stats.error(dropped);
		current.logDrop(dropped, packet.getAddress(), packet.getPort(), now);
		return false;
	}

	/**
	 * A copy of the datagram for the inbound channel, with its sender's address and port.
	 */
	private void sendInbound(MessageChannel inbound, DatagramPacket packet) {
		byte[] payload = Arrays.copyOfRange(packet.getData(), packet.getOffset(),
				packet.getOffset() + packet.getLength());
		try {
			inbound.send(MessageBuilder.withPayload(payload)
				.setHeader(IpHeaders.IP_ADDRESS, packet.getAddress().getHostAddress())
				.setHeader(IpHeaders.PORT, packet.getPort())
				.setHeader(IpHeaders.PACKET_ADDRESS, packet.getSocketAddress())
				.setHeader(PorticoHeaders.LISTENER, this.context.name())
				.build());
		}
		catch (RuntimeException ex) {
			this.context.log()
				.error(UdpErrorKind.CHANNEL, "the inbound channel refused a datagram from " + packet.getSocketAddress()
						+ ": " + rootMessage(ex));
		}
	}

	/**
	 * Sends a message from the outbound channel, from the listening socket, to the
	 * address its {@code ip_packetAddress} header (or {@code ip_address} and
	 * {@code ip_port}) names.
	 */
	private void sendOutbound(Message<?> message) {
		Adapter current = this.adapter;
		if (current == null) {
			throw new MessageDeliveryException(message, "Listener '" + this.context.name() + "' is stopped");
		}
		Object packetAddress = message.getHeaders().get(IpHeaders.PACKET_ADDRESS);
		SocketAddress target;
		if (packetAddress instanceof SocketAddress address) {
			target = address;
		}
		else {
			Object host = message.getHeaders().get(IpHeaders.IP_ADDRESS);
			Object port = message.getHeaders().get(IpHeaders.PORT);
			if (host == null || !(port instanceof Number number)) {
				throw new MessageDeliveryException(message,
						"An outbound datagram needs the ip_packetAddress header, or ip_address and ip_port");
			}
			target = new InetSocketAddress(host.toString(), number.intValue());
		}
		Object payload = message.getPayload();
		byte[] bytes = (payload instanceof byte[] raw) ? raw : payload.toString().getBytes(StandardCharsets.UTF_8);
		try {
			current.socket().send(new DatagramPacket(bytes, bytes.length, target));
			this.stats.sent(bytes.length, 1);
		}
		catch (IOException ex) {
			throw new MessageDeliveryException(message, "Sending to " + target + " failed: " + ex.getMessage());
		}
	}

	/** The reply for one datagram's payload, or null for none. */
	static byte[] reply(UdpReply mode, byte[] data, int offset, int length) {
		return switch (mode) {
			case ECHO -> Arrays.copyOfRange(data, offset, offset + length);
			case ACK -> {
				byte[] ack = new byte[ACK_PREFIX.length + length];
				System.arraycopy(ACK_PREFIX, 0, ack, 0, ACK_PREFIX.length);
				System.arraycopy(data, offset, ack, ACK_PREFIX.length, length);
				yield ack;
			}
			case NONE -> null;
		};
	}

	/**
	 * The adapter with Portico's handling in place of its message mapping: Spring
	 * Integration's datagram mapper would honour an acknowledgment address written in the
	 * payload itself, which lets any sender make this server send datagrams to a third
	 * party.
	 */
	private final class Adapter extends UnicastReceivingChannelAdapter {

		private final DatagramSocket socket;

		DatagramSocket socket() {
			return this.socket;
		}

		Adapter(DatagramSocket socket, int bufferSize) {
			super(socket.getLocalPort());
			this.socket = socket;
			this.reused = new DatagramPacket(new byte[bufferSize], bufferSize);
		}

		private final DatagramPacket reused;

		@Override
		protected DatagramPacket receive() throws IOException {
			this.reused.setLength(this.reused.getData().length);
			this.socket.receive(this.reused);
			return this.reused;
		}

		@Override
		protected boolean asyncSendMessage(DatagramPacket packet) {
			handle(this.socket, packet);
			return true;
		}

		@Override
		protected void doSend(DatagramPacket packet) {
			handle(this.socket, packet);
		}

	}

}
