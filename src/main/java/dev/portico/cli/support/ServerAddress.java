package dev.portico.cli.support;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import picocli.CommandLine.Option;

/**
 * The {@code --host} and {@code --port} options every command has: the server it talks
 * to.
 */
public final class ServerAddress {

	@Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host.")
	private String host;

	@Option(names = "--port", description = "Server port.")
	private Integer port;

	/** No default port: the command chooses one (bench: its mode's). */
	public ServerAddress() {
	}

	/** The port used when {@code --port} is not given (shown as the option's default). */
	public ServerAddress(int defaultPort) {
		this.port = defaultPort;
	}

	public String host() {
		return this.host;
	}

	/** The port given, or the default one; {@code fallback} when there is neither. */
	public int port(int fallback) {
		return (this.port != null) ? this.port : fallback;
	}

	/** The port given, or the default one. */
	public int port() {
		return port(0);
	}

	/** {@code host:port}, as messages show it. */
	public String describe() {
		return Endpoints.describe(this.host, port());
	}

	/** The resolved address; an unknown host fails with one line. */
	public InetSocketAddress resolve() {
		return Endpoints.resolve(this.host, port());
	}

	/** A blocking TCP connection with {@code timeout} to connect and to read. */
	public Socket connect(Duration timeout) {
		return Endpoints.connect(this.host, port(), timeout);
	}

}
