package dev.portico.tcp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
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
 * What a connection of an edge-ready listener goes through before its handler reads a
 * byte: the PROXY protocol header (within {@code frame-timeout}, as a balancer sends it,
 * before anything else), admission by the client's address (known only now), then the TLS
 * handshake (within {@code ssl.handshake-timeout}). The watchdog times each step
 * ({@link Phase}) and closes a connection that overstays. {@link #run} does it all on the
 * connection's own thread (the threaded engine); an event loop drives the same steps
 * without blocking ({@link LoopConnection}) through the same rules: the
 * {@link HeaderReader}, the engines of {@link #newEngine()}, and the same failure
 * reports, counted and logged once.
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
			refused(state, ex);
		}
		catch (ProxyProtocolException ex) {
			headerRefused(state, ex);
		}
		catch (IOException | RuntimeException ex) {
			if (phase == Phase.TLS_HANDSHAKE) {
				tlsFailed(state, ex);
			}
			else {
				headerReadFailed(state, ex);
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
		HeaderReader reader = headerReader(state, socket.getInetAddress());
		byte[] buffer = new byte[FIRST_READ];
		while (true) {
			int n = in.read(buffer);
			if (n < 0) {
				reader.endOfStream();
				return null;
			}
			int payload = reader.feed(buffer, 0, n);
			if (payload >= 0) {
				byte[] held = reader.heldPayload();
				byte[] early = Arrays.copyOf(held, held.length + n - payload);
				System.arraycopy(buffer, payload, early, held.length, n - payload);
				return early;
			}
		}
	}

	/**
	 * Starts reading a connection's PROXY header (on either engine).
	 * @param state the connection
	 * @param peer the socket's peer, the balancer if there is one
	 * @throws Refused if the listener requires a header and the peer is not trusted to
	 * send one
	 */
	HeaderReader headerReader(ConnectionState state, InetAddress peer) throws Refused {
		boolean trusted = isTrusted(peer);
		if (!trusted && this.proxyProtocol == ProxyProtocol.REQUIRED) {
			throw new Refused("closing " + state.remoteAddress() + ": it is not in proxy-trusted-from (" + trustedFrom()
					+ ") and this listener requires a PROXY protocol header");
		}
		return new HeaderReader(state, trusted);
	}

	private boolean isTrusted(InetAddress peer) {
		for (CidrBlock block : this.trustedFrom) {
			if (block.contains(peer)) {
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
		established(state, layered.getSession());
		return layered;
	}

	/** Whether the listener serves TLS. */
	boolean tls() {
		return this.tlsContexts != null;
	}

	/**
	 * A server-mode engine for a new connection on an event loop, from the bundle's
	 * current context (a reloaded bundle's for connections after the reload).
	 */
	SSLEngine newEngine() {
		ServerTls tls = this.tlsContexts.get(this.bundle);
		SSLEngine engine = tls.context().createSSLEngine();
		engine.setUseClientMode(false);
		tls.configure(engine, this.clientAuth);
		return engine;
	}

	/** The TLS session is established: the connection shows it. */
	static void established(ConnectionState state, SSLSession session) {
		state.tls(new Tls(session.getProtocol(), session.getCipherSuite(), clientSubject(session)));
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

	/** The PROXY protocol rules refused the connection: close, count, log. */
	void refused(ConnectionState state, Refused ex) {
		fail(state, TcpErrorKind.PROXY_PROTOCOL, CloseReason.PROXY_PROTOCOL, ex.getMessage());
	}

	/** The PROXY header was malformed, oversized or truncated: close, count, log. */
	void headerRefused(ConnectionState state, ProxyProtocolException ex) {
		fail(state, TcpErrorKind.PROXY_PROTOCOL, CloseReason.PROXY_PROTOCOL,
				"closing " + state.remoteAddress() + ": PROXY protocol header refused: " + ex.getMessage());
	}

	/**
	 * Reading failed before the header was whole: count and log; the caller closes.
	 */
	void headerReadFailed(ConnectionState state, Exception ex) {
		fail(state, TcpErrorKind.READ, null, "connection " + state.remoteAddress()
				+ " ended while its PROXY protocol header was read: " + rootMessage(ex));
	}

	/** The TLS handshake failed: close, count, log. */
	void tlsFailed(ConnectionState state, Exception ex) {
		fail(state, TcpErrorKind.TLS, CloseReason.TLS,
				"closing " + state.remoteAddress() + ": TLS handshake failed: " + rootMessage(ex));
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

	/**
	 * One connection's PROXY protocol header, read as its first bytes arrive in any
	 * split, on its own thread or on its event loop: the listener's rules (trusted
	 * sources, optional or required) applied to what {@link ProxyHeaderDecoder} finds. It
	 * holds only the bytes of a header that may still be coming (at most a header's
	 * length).
	 */
	final class HeaderReader {

		private final ConnectionState state;

		private final boolean trusted;

		private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

		/** The bytes fed so far while a header may still be coming. */
		private byte[] held = NOTHING;

		private int heldLength;

		private HeaderReader(ConnectionState state, boolean trusted) {
			this.state = state;
			this.trusted = trusted;
		}

		/**
		 * Take the next bytes.
		 * @param bytes holds the bytes that arrived
		 * @param offset where they start
		 * @param length how many (at least 1)
		 * @return {@code -1} while a header may still be coming; else where the payload
		 * begins in {@code bytes}, preceded by {@link #heldPayload()}
		 * @throws ProxyProtocolException if the header is malformed or too long
		 * @throws Refused if the listener's rules refuse the header, or its absence
		 */
		int feed(byte[] bytes, int offset, int length) throws ProxyProtocolException, Refused {
			Status status = this.decoder.decode(bytes, offset, length);
			if (status == Status.NEED_MORE) {
				if (this.heldLength + length > this.held.length) {
					this.held = Arrays.copyOf(this.held, Math.max(this.heldLength + length, 2 * this.held.length));
				}
				System.arraycopy(bytes, offset, this.held, this.heldLength, length);
				this.heldLength += length;
				return -1;
			}
			String balancer = this.state.remoteAddress();
			if (status == Status.NOT_A_HEADER) {
				if (ConnectionSetup.this.proxyProtocol == ProxyProtocol.REQUIRED) {
					throw new Refused("closing " + balancer
							+ ": its first bytes are not a PROXY protocol header, which this listener requires");
				}
				return offset;
			}
			if (!this.trusted) {
				throw new Refused("closing " + balancer + ": it sent a PROXY protocol header but is not in"
						+ " proxy-trusted-from (" + trustedFrom() + ")");
			}
			ProxyHeader header = this.decoder.header();
			if (header.hasAddresses()) {
				this.state.proxied(header.source());
			}
			// every byte held belongs to the header
			int payload = offset + header.length() - this.heldLength;
			this.held = NOTHING;
			this.heldLength = 0;
			return payload;
		}

		/**
		 * Payload that arrived before the bytes last fed: what was held when they showed
		 * that there is no header.
		 */
		byte[] heldPayload() {
			return Arrays.copyOf(this.held, this.heldLength);
		}

		/** Whether no byte has arrived yet. */
		boolean isEmpty() {
			return this.heldLength == 0;
		}

		/**
		 * The peer ended its output before the header was whole.
		 * @throws ProxyProtocolException if it ended inside a header
		 */
		void endOfStream() throws ProxyProtocolException {
			this.decoder.endOfStream();
		}

	}

	/** A connection refused by the PROXY protocol rules. */
	static final class Refused extends Exception {

		private static final long serialVersionUID = 1L;

		Refused(String message) {
			super(message, null, false, false);
		}

	}

}
