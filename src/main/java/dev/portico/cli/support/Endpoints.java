package dev.portico.cli.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/** Socket helpers that turn network failures into one clear line for the user. */
public final class Endpoints {

	private Endpoints() {
	}

	/**
	 * Resolves {@code host:port}, failing with a readable message for an unknown host.
	 */
	public static InetSocketAddress resolve(String host, int port) {
		InetSocketAddress address = new InetSocketAddress(host, port);
		if (address.isUnresolved()) {
			throw new CliException("unknown host '" + host + "'");
		}
		return address;
	}

	/** Opens a blocking TCP connection with a connect and read timeout. */
	public static Socket connect(String host, int port, Duration timeout) {
		InetSocketAddress address = resolve(host, port);
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(address, (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			return socket;
		}
		catch (IOException ex) {
			try {
				socket.close();
			}
			catch (IOException ignored) {
				// already failing
			}
			throw failure("cannot connect to " + describe(host, port), ex, timeout);
		}
	}

	/**
	 * Maps an I/O failure to a one-line {@link CliException} prefixed with what was being
	 * done.
	 */
	public static CliException failure(String doing, Throwable ex, Duration timeout) {
		return new CliException(doing + ": " + reason(ex, timeout));
	}

	/** A short human reason for a network exception. */
	public static String reason(Throwable ex, Duration timeout) {
		if (ex instanceof SocketTimeoutException || ex instanceof InterruptedIOException) {
			return "timed out after " + timeout.toMillis() + " ms";
		}
		if (ex instanceof ConnectException) {
			return "connection refused";
		}
		if (ex instanceof PortUnreachableException) {
			return "port unreachable (nothing listening)";
		}
		if (ex instanceof NoRouteToHostException) {
			return "no route to host";
		}
		if (ex instanceof UnknownHostException) {
			return "unknown host";
		}
		String message = ex.getMessage();
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

	/** {@code host:port}, with brackets for an IPv6 literal. */
	public static String describe(String host, int port) {
		return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
	}

}
