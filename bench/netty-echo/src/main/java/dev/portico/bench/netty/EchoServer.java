package dev.portico.bench.netty;

import java.io.File;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Echoes back any received data from a client, as Netty's {@code example/echo} EchoServer;
 * with {@code --tls-port}, also over TLS on a second port, through Netty's
 * {@code SslHandler} on the JDK's provider (as Portico uses).
 * <p>
 * Usage: {@code java -jar netty-echo.jar [port] [host] [--tls-port PORT --cert PEM --key PEM]}
 * (defaults 17100, 127.0.0.1; the key in PKCS#8 PEM).
 */
public final class EchoServer {

	private EchoServer() {
	}

	public static void main(String[] args) throws Exception {
		int port = (args.length > 0) ? Integer.parseInt(args[0]) : 17100;
		String host = (args.length > 1) ? args[1] : "127.0.0.1";
		int tlsPort = 0;
		String cert = null;
		String key = null;
		for (int i = 2; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--tls-port" -> tlsPort = Integer.parseInt(args[i + 1]);
				case "--cert" -> cert = args[i + 1];
				case "--key" -> key = args[i + 1];
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		EventLoopGroup bossGroup = new NioEventLoopGroup(1);
		EventLoopGroup workerGroup = new NioEventLoopGroup();
		EchoServerHandler serverHandler = new EchoServerHandler();
		try {
			ChannelFuture plain = bootstrap(bossGroup, workerGroup, serverHandler, null).bind(host, port).sync();
			System.out.println("netty echo server listening on " + plain.channel().localAddress());
			if (tlsPort > 0) {
				SslContext tls = SslContextBuilder.forServer(new File(cert), new File(key))
					.sslProvider(SslProvider.JDK)
					.build();
				ChannelFuture secure = bootstrap(bossGroup, workerGroup, serverHandler, tls).bind(host, tlsPort).sync();
				System.out.println("netty TLS echo server listening on " + secure.channel().localAddress());
			}
			plain.channel().closeFuture().sync();
		}
		finally {
			bossGroup.shutdownGracefully();
			workerGroup.shutdownGracefully();
		}
	}

	private static ServerBootstrap bootstrap(EventLoopGroup bossGroup, EventLoopGroup workerGroup,
			EchoServerHandler serverHandler, SslContext tls) {
		return new ServerBootstrap().group(bossGroup, workerGroup)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				public void initChannel(SocketChannel ch) {
					if (tls != null) {
						ch.pipeline().addLast(tls.newHandler(ch.alloc()));
					}
					ch.pipeline().addLast(serverHandler);
				}
			});
	}

}
