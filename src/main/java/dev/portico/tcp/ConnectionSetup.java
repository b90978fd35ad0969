package dev.portico.tcp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.portico.listener.ListenerConnection.Tls;
import dev.portico.protocol.ProxyHeader;
import dev.portico.protocol.ProxyHeaderDecoder;
import dev.portico.protocol.ProxyHeaderDecoder.Status;
import dev.portico.protocol.ProxyProtocolException;
import dev.portico.tcp.EdgeOptions.ClientAuth;
import dev.portico.tcp.EdgeOptions.ProxyProtocol;
import dev.portico.tcp.TlsContexts.ServerTls;

import static dev.portico.listener.Throwables.rootMessage;

/**
 * What a connection of an edge-ready listener goes through on its own thread before its
 * handler reads a byte: the PROXY protocol header (within {@code frame-timeout}, as a
 * balancer sends it, before anything else), admission by the client's address (known only
 * now), then the TLS handshake (within {@code ssl.handshake-timeout}). The watchdog times
 * each step ({@link Phase}) and closes a connection that overstays.
 *
 * <p>
 * Bytes read past the header (the client's first payload, or its TLS ClientHello) are
 * handed on, never lost: to the TLS layer as already consumed input, or in front of the
 * socket's stream. A peer that connects and leaves (or resets) without sending a byte of
 * payload, such as a balancer's TCP health check, is closed without counting an error.
 */
final class ConnectionSetup {

	/** A set-up step the watchdog times. */
	enum Phase {

		/** Reading the PROXY protocol header: limited by {@code frame-timeout}. */
		PROXY_HEADER,

		/** The TLS handshake: limited by {@code ssl.handshake-timeout}. */
		TLS_HANDSHAKE

	}

	/**
	 * Where a set-up connection's payload flows.
	 *
	 * @param in what the handler's reader reads
	 * @param out where writes go
	 * @param tls the TLS socket, or {@code null} for plain TCP
	 */
	record Transport(InputStream in, OutputStream out, SSLSocket tls) {
	}

	private static final byte[] NOTHING = new byte[0];

	/** Bytes read at once while looking for a header or a ClientHello. */
	private static final int FIRST_READ = 512;

	private final TcpServer<?> server;

	private final ProxyProtocol proxyProtocol;

	private final List<CidrBlock> trustedFrom;

	private final TlsContexts tlsContexts;

	private final String bundle;

	private final ClientAuth clientAuth;

	private ConnectionSetup(TcpServer<?> server, EdgeOptions options, TlsContexts tlsContexts) {
		this.server = server;
		this.proxyProtocol = options.proxyProtocol();
		this.trustedFrom = options.proxyTrustedFrom().stream().map(CidrBlock::parse).toList();
		this.tlsContexts = options.tls() ? tlsContexts : null;
		this.bundle = options.ssl().bundle();
		this.clientAuth = options.ssl().clientAuth();
	}

	/** The set-up step of a listener, or {@code null} when it has nothing to set up. */
	static ConnectionSetup of(TcpServer<?> server, EdgeOptions options, TlsContexts tlsContexts) {
		if (options.proxyProtocol() == ProxyProtocol.OFF && !options.tls()) {
			return null;
		}
		return new ConnectionSetup(server, options, tlsContexts);
	}

	/** Whether the peer's address is known only after the PROXY header. */
	boolean readsProxyHeader() {
		return this.proxyProtocol != ProxyProtocol.OFF;
	}

	/**
	 * Set the connection up, on its own thread.
	 * @return where its payload flows, or {@code null} if it was refused, failed or left
	 * (refusals and failures are counted and logged once; the caller closes it)
	 */
	Transport run(ConnectionState state, Socket socket) {
		Phase phase = null;
		try {
			InputStream in = socket.getInputStream();
			byte[] early = NOTHING;
			if (readsProxyHeader()) {
				phase = Phase.PROXY_HEADER;
				state.setupPhase(phase);
				early = readProxyHeader(state, socket, in);
				if (early == null || !this.server.admitAddress(state)) {
					return null;
				}
			}
			if (this.tlsContexts == null) {
				state.setupPhase(null);
				return new Transport((early.length > 0) ? new PrefixedInputStream(early, in) : in,
						socket.getOutputStream(), null);
			}
			phase = Phase.TLS_HANDSHAKE;
			state.setupPhase(phase);
			if (early.length == 0) {
				early = firstBytes(in);
				if (early == null) {
					return null;
				}
			}
			SSLSocket tls = handshake(state, socket, early);
			state.setupPhase(null);
			return new Transport(tls.getInputStream(), tls.getOutputStream(), tls);
		}
		catch (Refused ex) {
			fail(state, TcpErrorKind.PROXY_PROTOCOL, CloseReason.PROXY_PROTOCOL, ex.getMessage());
		}
		catch (ProxyProtocolException ex) {
			fail(state, TcpErrorKind.PROXY_PROTOCOL, CloseReason.PROXY_PROTOCOL,
					"closing " + state.remoteAddress() + ": PROXY protocol header refused: " + ex.getMessage());
		}
		catch (IOException | RuntimeException ex) {
			if (phase == Phase.TLS_HANDSHAKE) {
				fail(state, TcpErrorKind.TLS, CloseReason.TLS,
						"closing " + state.remoteAddress() + ": TLS handshake failed: " + rootMessage(ex));
			}
			else {
				fail(state, TcpErrorKind.READ, null, "connection " + state.remoteAddress()
						+ " ended while its PROXY protocol header was read: " + rootMessage(ex));
			}
		}
		return null;
	}

	/**
	 * Reads the PROXY header, if any.
	 * @return the bytes read past it (payload), or {@code null} if the peer left without
	 * a byte
	 */
	private byte[] readProxyHeader(ConnectionState state, Socket socket, InputStream in)
			throws IOException, ProxyProtocolException, Refused {
		String balancer = state.remoteAddress();
		boolean trusted = isTrusted(socket);
		if (!trusted && this.proxyProtocol == ProxyProtocol.REQUIRED) {
			throw new Refused("closing " + balancer + ": it is not in proxy-trusted-from (" + trustedFrom()
					+ ") and this listener requires a PROXY protocol header");
		}
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		byte[] buffer = new byte[FIRST_READ];
		int filled = 0;
		Status status = Status.NEED_MORE;
		while (status == Status.NEED_MORE) {
			if (filled == buffer.length) {
				buffer = Arrays.copyOf(buffer, buffer.length * 2);
			}
			int n = in.read(buffer, filled, buffer.length - filled);
			if (n < 0) {
				if (filled == 0) {
					return null;
				}
				decoder.endOfStream();
				break;
			}
			status = decoder.decode(buffer, filled, n);
			filled += n;
		}
		if (status == Status.NOT_A_HEADER) {
			if (this.proxyProtocol == ProxyProtocol.REQUIRED) {
				throw new Refused("closing " + balancer
						+ ": its first bytes are not a PROXY protocol header, which this listener requires");
			}
			return Arrays.copyOf(buffer, filled);
		}
		if (!trusted) {
			throw new Refused("closing " + balancer + ": it sent a PROXY protocol header but is not in"
					+ " proxy-trusted-from (" + trustedFrom() + ")");
		}
		ProxyHeader header = decoder.header();
		if (header.hasAddresses()) {
			state.proxied(header.source());
		}
		return Arrays.copyOfRange(buffer, header.length(), filled);
	}

	private boolean isTrusted(Socket socket) {
		for (CidrBlock block : this.trustedFrom) {
			if (block.contains(socket.getInetAddress())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The first bytes of a TLS connection, read before the TLS layer so that a peer that
	 * leaves without a byte, by a close or a reset (as HAProxy's health checks do after
	 * their PROXY header), is not counted as a failed handshake.
	 * @return the bytes, or {@code null} if it left
	 */
	private static byte[] firstBytes(InputStream in) {
		byte[] buffer = new byte[FIRST_READ];
		try {
			int n = in.read(buffer);
			return (n < 0) ? null : Arrays.copyOf(buffer, n);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private SSLSocket handshake(ConnectionState state, Socket socket, byte[] early) throws IOException {
		ServerTls tls = this.tlsContexts.get(this.bundle);
		// layered over the accepted socket in server mode, with the bytes already read
		SSLSocket layered = (SSLSocket) tls.context()
			.getSocketFactory()
			.createSocket(socket, new ByteArrayInputStream(early), true);
		tls.configure(layered, this.clientAuth);
		layered.startHandshake();
		SSLSession session = layered.getSession();
		state.tls(new Tls(session.getProtocol(), session.getCipherSuite(), clientSubject(session)));
		return layered;
	}

	private static String clientSubject(SSLSession session) {
		try {
			Certificate[] chain = session.getPeerCertificates();
			return (chain.length > 0 && chain[0] instanceof X509Certificate certificate)
					? certificate.getSubjectX500Principal().getName() : null;
		}
		catch (SSLPeerUnverifiedException ex) {
			return null;
		}
	}

	private String trustedFrom() {
		return this.trustedFrom.stream().map(CidrBlock::toString).collect(Collectors.joining(", "));
	}

	/**
	 * Counts and logs a failure once, unless Portico had already closed the connection
	 * (the watchdog, which counted it, or its listener stopping); a {@code null} reason
	 * leaves the close to the caller, as for a peer that broke the connection.
	 */
	private void fail(ConnectionState state, TcpErrorKind kind, CloseReason reason, String message) {
		// not isOpen(): a TLS socket that fails its handshake closes the socket itself
		if (state.closeReason() == null) {
			this.server.log().error(kind, message);
			if (reason != null) {
				state.close(reason);
			}
		}
	}

	/** A connection refused by the PROXY protocol rules. */
	private static final class Refused extends Exception {

		private static final long serialVersionUID = 1L;

		Refused(String message) {
			super(message, null, false, false);
		}

	}

}
