package dev.portico.tcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * The server side of each Spring Boot SSL bundle a TCP listener names: an
 * {@link SSLContext} built once per bundle and built again when Boot reloads the bundle
 * ({@code reload-on-update: true}), so a renewed certificate is used by the next
 * connection while open ones keep their session. One update handler per bundle, however
 * many listeners use it or are created and deleted.
 */
final class TlsContexts {

	private static final Log logger = LogFactory.getLog(TlsContexts.class);

	private final SslBundles bundles;

	private final Map<String, ServerTls> contexts = new ConcurrentHashMap<>();

	TlsContexts(SslBundles bundles) {
		this.bundles = bundles;
	}

	/**
	 * The current server side of a bundle.
	 * @throws NoSuchSslBundleException if no bundle has that name
	 */
	ServerTls get(String bundle) {
		ServerTls current = this.contexts.get(bundle);
		if (current != null) {
			return current;
		}
		return this.contexts.computeIfAbsent(bundle, (name) -> {
			ServerTls created = ServerTls.of(name, this.bundles.getBundle(name));
			this.bundles.addBundleUpdateHandler(name, (updated) -> reloaded(name, updated));
			return created;
		});
	}

	/** The names of the configured bundles. */
	List<String> names() {
		return this.bundles.getBundleNames();
	}

	/** A bundle as configured, to check before serving it. */
	SslBundle bundle(String name) {
		return this.bundles.getBundle(name);
	}

	private void reloaded(String name, SslBundle bundle) {
		try {
			this.contexts.put(name, ServerTls.of(name, bundle));
			logger.info("SSL bundle '" + name + "' reloaded: new TLS connections use its new certificate");
		}
		catch (RuntimeException ex) {
			logger.error("SSL bundle '" + name + "' changed but cannot be used; TLS connections keep the previous one: "
					+ ex.getMessage());
		}
	}

	/**
	 * One bundle's server side: the context and the bundle's protocol and cipher choices.
	 *
	 * @param bundle the bundle's name
	 * @param context the context handshakes run in
	 * @param protocols the protocols the bundle enables, or {@code null} for the JDK's
	 * @param ciphers the cipher suites the bundle enables, or {@code null} for the JDK's
	 * @param enabledProtocols the protocols a server socket of this context accepts
	 */
	record ServerTls(String bundle, SSLContext context, String[] protocols, String[] ciphers,
			List<String> enabledProtocols) {

		static ServerTls of(String name, SslBundle bundle) {
			SslOptions options = bundle.getOptions();
			SSLContext context = bundle.createSslContext();
			return new ServerTls(name, context, options.getEnabledProtocols(), options.getCiphers(),
					enabledProtocols(context, options.getEnabledProtocols()));
		}

		/** Applies the bundle's choices and the listener's client authentication. */
		void configure(SSLSocket socket, EdgeOptions.ClientAuth clientAuth) {
			if (this.protocols != null) {
				socket.setEnabledProtocols(this.protocols);
			}
			if (this.ciphers != null) {
				socket.setEnabledCipherSuites(this.ciphers);
			}
			switch (clientAuth) {
				case NEED -> socket.setNeedClientAuth(true);
				case WANT -> socket.setWantClientAuth(true);
				default -> {
				}
			}
		}

		/** The same for an engine, on the event loop. */
		void configure(SSLEngine engine, EdgeOptions.ClientAuth clientAuth) {
			if (this.protocols != null) {
				engine.setEnabledProtocols(this.protocols);
			}
			if (this.ciphers != null) {
				engine.setEnabledCipherSuites(this.ciphers);
			}
			switch (clientAuth) {
				case NEED -> engine.setNeedClientAuth(true);
				case WANT -> engine.setWantClientAuth(true);
				default -> {
				}
			}
		}

		private static List<String> enabledProtocols(SSLContext context, String[] protocols) {
			if (protocols != null) {
				return List.of(protocols);
			}
			SSLEngine engine = context.createSSLEngine();
			engine.setUseClientMode(false);
			return List.of(engine.getEnabledProtocols());
		}

	}

}
