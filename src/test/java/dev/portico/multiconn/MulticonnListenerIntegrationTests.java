package dev.portico.multiconn;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.portico.listener.Listener;
import dev.portico.support.Keys;
import dev.portico.support.ListenerTestSupport;
import dev.portico.support.Sockets;
import dev.portico.tcp.Broadcast;
import dev.portico.tcp.PushResult;
import dev.portico.tcp.TcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

class MulticonnListenerIntegrationTests extends ListenerTestSupport {

	private static final byte[] MESSAGES = "Message 1 from client.Message 2 from client."
		.getBytes(StandardCharsets.US_ASCII);

	@Test
	void shouldAnswerTheTutorialMulticonnClientWith1000Connections() throws Exception {
		Listener multiconn = start("multi-tutorial", Keys.of("multiconn", 0));
		int connections = 1000;
		List<Conversation> conversations = new ArrayList<>();
		try (Selector selector = Selector.open()) {
			for (int i = 0; i < connections; i++) {
				SocketChannel channel = SocketChannel.open();
				channel.configureBlocking(false);
				channel.connect(new InetSocketAddress(Sockets.LOOPBACK, multiconn.port()));
				Conversation conversation = new Conversation(channel);
				conversations.add(conversation);
				channel.register(selector, SelectionKey.OP_CONNECT, conversation);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			int open = connections;
			while (open > 0 && System.nanoTime() < deadline) {
				selector.select(1000);
				for (SelectionKey key : selector.selectedKeys()) {
					Conversation conversation = (Conversation) key.attachment();
					if (key.isConnectable() && conversation.channel.finishConnect()) {
						key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
					}
					if (key.isValid() && key.isWritable()) {
						conversation.channel.write(conversation.out);
						if (!conversation.out.hasRemaining()) {
							key.interestOps(SelectionKey.OP_READ);
						}
					}
					if (key.isValid() && key.isReadable()) {
						int n = conversation.channel.read(conversation.in);
						if (n < 0 || !conversation.in.hasRemaining()) {
							key.cancel();
							conversation.channel.close();
							open--;
						}
					}
				}
				selector.selectedKeys().clear();
			}
		}
		for (Conversation conversation : conversations) {
			assertThat(conversation.in.array()).isEqualTo(MESSAGES);
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> multiconn.connections().isEmpty());
		assertThat(multiconn.stats().acceptedTotal()).isEqualTo(connections);
		assertThat(multiconn.stats().bytesReceived()).isEqualTo((long) connections * MESSAGES.length);
		await().atMost(5, TimeUnit.SECONDS)
			.until(() -> multiconn.stats().bytesSent() == (long) connections * MESSAGES.length);
	}

	@Test
	void shouldDeliverAPushToOneConnectionAndABroadcastToAllExactlyOnce() throws Exception {
		Listener multiconn = start("multi-push", Keys.of("multiconn", 0));
		TcpServer<?> push = (TcpServer<?>) multiconn.runtime();
		try (Socket first = Sockets.connect(multiconn.port()); Socket second = Sockets.connect(multiconn.port())) {
			await().atMost(5, TimeUnit.SECONDS).until(() -> multiconn.connections().size() == 2);
			String firstId = multiconn.connections()
				.stream()
				.filter((c) -> c.remoteAddress().endsWith(":" + first.getLocalPort()))
				.findFirst()
				.orElseThrow()
				.id();
			assertThat(push.push(firstId, "only you\n".getBytes())).isEqualTo(PushResult.QUEUED);
			assertThat(push.push("no-such-id", "x".getBytes())).isEqualTo(PushResult.NO_SUCH_CONNECTION);
			assertThat(push.broadcast("everyone\n".getBytes())).isEqualTo(new Broadcast(2, 0));
			assertThat(new String(Sockets.readExactly(first.getInputStream(), 18))).isEqualTo("only you\neveryone\n");
			assertThat(new String(Sockets.readExactly(second.getInputStream(), 9))).isEqualTo("everyone\n");
			// and nothing more: an echo round trip comes next on each
			first.getOutputStream().write('!');
			second.getOutputStream().write('?');
			assertThat(first.getInputStream().read()).isEqualTo('!');
			assertThat(second.getInputStream().read()).isEqualTo('?');
		}
		await().atMost(5, TimeUnit.SECONDS).until(() -> multiconn.stats().messagesSent() == 5);
	}

	@Test
	void shouldThrottleAndThenCloseAClientThatNeverReadsWhileOthersKeepEchoing() throws Exception {
		Listener multiconn = start("multi-slow",
				Keys.of("multiconn", 0, "write-timeout", "3s", "max-queued-bytes", "256KB"));
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		memory.gc();
		long heapBefore = memory.getHeapMemoryUsage().getUsed();
		AtomicLong written = new AtomicLong();
		try (Socket hog = Sockets.connect(multiconn.port()); Socket good = Sockets.connect(multiconn.port())) {
			hog.setReceiveBufferSize(4096);
			CompletableFuture<Void> flooding = Sockets.flood(hog.getOutputStream(), written);
			// while the hog is throttled, the good client is served
			InputStream in = good.getInputStream();
			for (int i = 0; i < 20; i++) {
				good.getOutputStream().write(("ping " + i).getBytes());
				assertThat(new String(Sockets.readExactly(in, ("ping " + i).length()))).isEqualTo("ping " + i);
			}
			await().atMost(5, TimeUnit.SECONDS).until(() -> multiconn.status().queue().bytes() > 128 * 1024);
			assertThat(multiconn.status().queue().bytes()).isLessThanOrEqualTo(256 * 1024 + 64 * 1024);
			// the server closes the hog after the write timeout, long before 64 MiB were
			// taken
			flooding.get(30, TimeUnit.SECONDS);
			assertThat(written.get()).isLessThan(64L * 1024 * 1024);
			await().atMost(10, TimeUnit.SECONDS).until(() -> multiconn.connections().size() == 1);
			good.getOutputStream().write("still here".getBytes());
			assertThat(new String(Sockets.readExactly(in, 10))).isEqualTo("still here");
		}
		// the reader gives up waiting for queue room, or the watchdog sees the writer
		// blocked: both
		// close the hog after the write timeout, and which comes first depends on the
		// machine's load
		assertThat(multiconn.stats().errorsByKind()).containsAnyOf(entry("queue-overflow", 1L),
				entry("write-timeout", 1L));
		memory.gc();
		long heapAfter = memory.getHeapMemoryUsage().getUsed();
		assertThat(heapAfter - heapBefore).isLessThan(48L * 1024 * 1024);
	}

	private static final class Conversation {

		final SocketChannel channel;

		final ByteBuffer out = ByteBuffer.wrap(MESSAGES);

		final ByteBuffer in = ByteBuffer.allocate(MESSAGES.length);

		Conversation(SocketChannel channel) {
			this.channel = channel;
		}

	}

}
