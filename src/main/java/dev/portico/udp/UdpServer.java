package dev.portico.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.channel.NullChannel;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;

import dev.portico.connection.RateLimitedLog;
import dev.portico.connection.TrafficStats;
import dev.portico.listener.ListenerProperties;
import dev.portico.listener.ListenerRuntime;
import dev.portico.listener.UdpReply;

/**
 * A UDP listener on Spring Integration's {@link UnicastReceivingChannelAdapter}: its receive
 * loop answers each datagram itself, from the listening socket ({@code recvfrom} +
 * {@code sendto}), into one reused buffer. Replying takes microseconds, so handing datagrams to a
 * pool cost more than it saved (a thread hop and a 64 KiB buffer per datagram); and a flood is
 * absorbed by the kernel's socket buffer (and past it dropped by the kernel), never by the heap.
 */
final class UdpServer implements ListenerRuntime {

	private static final Log logger = LogFactory.getLog(UdpServer.class);

	static final byte[] ACK_PREFIX = "Message received: ".getBytes(StandardCharsets.US_ASCII);

	private final String name;

	private final ListenerProperties properties;

	private final TrafficStats stats;

	private final BeanFactory beanFactory;

	private final ApplicationEventPublisher eventPublisher;

	private final RateLimitedLog warnings = new RateLimitedLog(logger, Duration.ofSeconds(10));

	private Adapter adapter;

	private ThreadPoolExecutor executor;

	UdpServer(String name, ListenerProperties properties, TrafficStats stats, BeanFactory beanFactory,
			ApplicationEventPublisher eventPublisher) {
		this.name = name;
		this.properties = properties;
		this.stats = stats;
		this.beanFactory = beanFactory;
		this.eventPublisher = eventPublisher;
	}

	@Override
	public synchronized int start() throws IOException {
		DatagramSocket socket = new DatagramSocket(null);
		try {
			socket.bind(new InetSocketAddress(InetAddress.getByName(this.properties.bind()), this.properties.port()));
			socket.setReceiveBufferSize(4 * 1024 * 1024);
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
		// the receive loop's one thread
		ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "portico-" + this.name);
					thread.setDaemon(true);
					return thread;
				});
		Adapter newAdapter = new Adapter(socket, this.properties.maxMessageBytes() + 1);
		newAdapter.setSocket(socket);
		newAdapter.setReceiveBufferSize(this.properties.maxMessageBytes() + 1);
		newAdapter.setTaskExecutor(pool);
		newAdapter.setOutputChannel(new NullChannel());
		newAdapter.setBeanFactory(this.beanFactory);
		newAdapter.setApplicationEventPublisher(this.eventPublisher);
		newAdapter.setBeanName("portico." + this.name);
		newAdapter.afterPropertiesSet();
		newAdapter.start();
		this.adapter = newAdapter;
		this.executor = pool;
		return socket.getLocalPort();
	}

	@Override
	public synchronized void stop() {
		if (this.adapter == null) {
			return;
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
	}

	void handle(DatagramSocket socket, DatagramPacket packet) {
		int length = packet.getLength();
		this.stats.received(length);
		if (length > this.properties.maxMessageBytes()) {
			this.stats.error("oversized");
			this.warnings.warn("oversized", "Listener '" + this.name + "': dropped a datagram from "
					+ packet.getSocketAddress() + " larger than " + this.properties.maxMessageBytes() + " bytes");
			return;
		}
		byte[] reply = reply(this.properties.reply(), packet.getData(), packet.getOffset(), length);
		if (reply == null) {
			return;
		}
		try {
			socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
			this.stats.sent(reply.length, 1);
		}
		catch (IOException ex) {
			if (!socket.isClosed()) {
				this.stats.error("send");
				this.warnings.warn("send", "Listener '" + this.name + "': reply to " + packet.getSocketAddress()
						+ " failed: " + ex.getMessage());
			}
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
	 * The adapter with Portico's handling in place of its message mapping: Spring Integration's
	 * datagram mapper would honour an acknowledgment address written in the payload itself, which
	 * lets any sender make this server send datagrams to a third party.
	 */
	private final class Adapter extends UnicastReceivingChannelAdapter {

		private final DatagramSocket socket;

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
