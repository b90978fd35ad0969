package dev.portico.cli.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import picocli.CommandLine.Option;

/**
 * The TLS options of the clients and bench: {@code --tls}, the trust for the server
 * ({@code --ca FILE}, else the JDK's trusted CAs, or {@code --insecure}) and a client
 * certificate for mutual TLS ({@code --cert FILE --key FILE}), all PEM.
 */
public final class TlsOptions {

	@Option(names = "--tls", description = "Speak TLS (to a listener with ssl.bundle set).")
	private boolean tls;

	@Option(names = "--ca", paramLabel = "FILE",
			description = "Trust server certificates signed by the CA certificates in this PEM file "
					+ "(default: the JDK's trusted CAs). Implies --tls.")
	private Path ca;

	@Option(names = "--insecure",
			description = "Accept any server certificate and name (tests only; never across a network). "
					+ "Implies --tls.")
	private boolean insecure;

	@Option(names = "--cert", paramLabel = "FILE",
			description = "Present this PEM certificate (chain) for mutual TLS; with --key. Implies --tls.")
	private Path cert;

	@Option(names = "--key", paramLabel = "FILE",
			description = "The private key of --cert: PEM, unencrypted (PKCS#8, PKCS#1 or SEC1).")
	private Path key;

	private SSLContext context;

	/** Whether TLS is asked for. */
	public boolean enabled() {
		return this.tls || this.ca != null || this.insecure || this.cert != null;
	}

	/** Whether the server's certificate is checked. */
	public boolean verifies() {
		return !this.insecure;
	}

	/**
	 * The client context the options describe.
	 * @throws CliException for contradictory options or unreadable files
	 */
	public synchronized SSLContext context() {
		if (this.context == null) {
			if (this.ca != null && this.insecure) {
				throw new CliException("give --ca or --insecure, not both", ExitCode.USAGE);
			}
			if ((this.cert == null) != (this.key == null)) {
				throw new CliException("--cert and --key go together", ExitCode.USAGE);
			}
			try {
				SSLContext created = SSLContext.getInstance("TLS");
				created.init(keyManagers(), trustManagers(), null);
				this.context = created;
			}
			catch (GeneralSecurityException | IOException ex) {
				throw new CliException("cannot set up TLS: " + ex.getMessage(), ExitCode.USAGE);
			}
		}
		return this.context;
	}

	/**
	 * A blocking connection to the server, TLS when asked for: the handshake is done, the
	 * server's certificate and name checked (unless {@code --insecure}).
	 */
	public Socket connect(ServerAddress server, Duration timeout) {
		// the options are checked before any connection is made
		SSLContext tlsContext = enabled() ? context() : null;
		Socket plain = server.connect(timeout);
		if (tlsContext == null) {
			return plain;
		}
		try {
			SSLSocket socket = (SSLSocket) tlsContext.getSocketFactory()
				.createSocket(plain, server.host(), server.port(), true);
			if (verifies()) {
				SSLParameters parameters = socket.getSSLParameters();
				parameters.setEndpointIdentificationAlgorithm("HTTPS");
				socket.setSSLParameters(parameters);
			}
			socket.startHandshake();
			return socket;
		}
		catch (IOException ex) {
			closeQuietly(plain);
			throw handshakeFailure(server.describe(), ex, timeout);
		}
	}

	/**
	 * A client engine for a non-blocking connection. Made without the peer's name, so
	 * every handshake is a full one (no session resumption) and the certificate chain is
	 * checked but not the name.
	 */
	public SSLEngine engine() {
		SSLEngine engine = context().createSSLEngine();
		engine.setUseClientMode(true);
		return engine;
	}

	/**
	 * A client engine for a non-blocking connection to {@code host}, which checks the
	 * server's name too (unless {@code --insecure}).
	 */
	public SSLEngine engine(String host, int port) {
		SSLEngine engine = context().createSSLEngine(host, port);
		engine.setUseClientMode(true);
		if (verifies()) {
			SSLParameters parameters = engine.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			engine.setSSLParameters(parameters);
		}
		return engine;
	}

	/** A one-line failure for a handshake that did not complete. */
	public static CliException handshakeFailure(String target, IOException ex, Duration timeout) {
		String reason = (ex instanceof SSLException) ? rootMessage(ex) : Endpoints.reason(ex, timeout);
		return new CliException("TLS handshake with " + target + " failed: " + reason);
	}

	private KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
		if (this.cert == null) {
			return null;
		}
		List<X509Certificate> chain = PemFiles.certificates(this.cert);
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		char[] password = new char[0];
		store.setKeyEntry("client", PemFiles.privateKey(this.key), password, chain.toArray(new X509Certificate[0]));
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(store, password);
		return factory.getKeyManagers();
	}

	private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
		if (this.insecure) {
			return new TrustManager[] { new TrustAll() };
		}
		if (this.ca == null) {
			return null;
		}
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		int i = 0;
		for (X509Certificate certificate : PemFiles.certificates(this.ca)) {
			store.setCertificateEntry("ca-" + i++, certificate);
		}
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		return factory.getTrustManagers();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message != null) ? message : root.getClass().getSimpleName();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ignored) {
			// failing anyway
		}
	}

	/** What {@code --insecure} asks for: no check of the server at all. */
	private static final class TrustAll implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
