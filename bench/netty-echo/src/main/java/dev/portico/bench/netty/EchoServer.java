package dev.portico.bench.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Echoes back any received data from a client, as Netty's {@code example/echo} EchoServer.
 * <p>
 * Usage: {@code java -jar netty-echo.jar [port] [host]} (defaults 17100, 127.0.0.1).
 */
public final class EchoServer {

	private EchoServer() {
	}

	public static void main(String[] args) throws Exception {
		int port = (args.length > 0) ? Integer.parseInt(args[0]) : 17100;
		String host = (args.length > 1) ? args[1] : "127.0.0.1";
		EventLoopGroup bossGroup = new NioEventLoopGroup(1);
		EventLoopGroup workerGroup = new NioEventLoopGroup();
		EchoServerHandler serverHandler = new EchoServerHandler();
		try {
			ServerBootstrap b = new ServerBootstrap();
			b.group(bossGroup, workerGroup)
				.channel(NioServerSocketChannel.class)
				.option(ChannelOption.SO_BACKLOG, 1024)
				.childHandler(new ChannelInitializer<SocketChannel>() {
					@Override
					public void initChannel(SocketChannel ch) {
						ch.pipeline().addLast(serverHandler);
					}
				});
			ChannelFuture f = b.bind(host, port).sync();
			System.out.println("netty echo server listening on " + f.channel().localAddress());
			f.channel().closeFuture().sync();
		}
		finally {
			bossGroup.shutdownGracefully();
			workerGroup.shutdownGracefully();
		}
	}

}
