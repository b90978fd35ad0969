package dev.portico.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.util.FileSystemUtils;

/**
 * Certificates for TLS tests, made once per test JVM with {@code openssl} (and the JDK's
 * {@code keytool} for a JKS store) in a temporary directory: nothing private is
 * committed. EC P-256 keys, valid for a few days:
 * <ul>
 * <li>{@code ca} ("Portico Test CA") signs {@code server} (CN=localhost, SAN 127.0.0.1
 * and localhost), {@code server-renewed} (the same names, a new key) and {@code client}
 * (CN=portico-test-client);</li>
 * <li>{@code rogue-ca} signs {@code rogue-client}, a client nobody trusts;</li>
 * <li>{@code server.jks}: the server's key and chain in a JKS store (password
 * {@value #JKS_PASSWORD}).</li>
 * </ul>
 */
public final class TestCertificates {

	public static final String JKS_PASSWORD = "changeit";

	private static TestCertificates instance;

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/** The certificates, made on first use. */
	public static synchronized TestCertificates get() {
		if (instance == null) {
			try {
				Path directory = Files.createTempDirectory("portico-tls-");
				Runtime.getRuntime()
					.addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(directory.toFile())));
				TestCertificates made = new TestCertificates(directory);
				made.make();
				instance = made;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return instance;
	}

	/** The file {@code name} ({@code ca.crt}, {@code server.key}, ...). */
	public Path path(String name) {
		return this.directory.resolve(name);
	}

	/** The file {@code name} as a Spring resource location. */
	public String location(String name) {
		return "file:" + path(name);
	}

	/**
	 * Adds a PEM SSL bundle named {@code bundle} with the server's certificate and key
	 * and, with {@code trustCa}, the test CA as its trust store (for client
	 * certificates).
	 */
	public void addServerBundle(DynamicPropertyRegistry registry, String bundle, boolean trustCa) {
		String prefix = "spring.ssl.bundle.pem." + bundle;
		registry.add(prefix + ".keystore.certificate", () -> location("server.crt"));
		registry.add(prefix + ".keystore.private-key", () -> location("server.key"));
		if (trustCa) {
			registry.add(prefix + ".truststore.certificate", () -> location("ca.crt"));
		}
	}

	/** A client context that trusts the test CA and presents no certificate. */
	public SSLContext clientContext() {
		return context(null);
	}

	/**
	 * A client context that trusts the test CA and presents {@code name}'s certificate
	 * ({@code client} or {@code rogue-client}), or none when {@code null}.
	 */
	public SSLContext context(String client) {
		PemSslStoreDetails keyStore = (client != null)
				? PemSslStoreDetails.forCertificate(location(client + ".crt")).withPrivateKey(location(client + ".key"))
				: null;
		PemSslStoreDetails trustStore = PemSslStoreDetails.forCertificate(location("ca.crt"));
		SslBundle bundle = SslBundle.of(new PemSslStoreBundle(keyStore, trustStore));
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			KeyManager[] keyManagers = Arrays.stream(bundle.getManagers().getKeyManagers())
				.map((manager) -> (manager instanceof X509ExtendedKeyManager x509) ? new AnyIssuer(x509) : manager)
				.toArray(KeyManager[]::new);
			context.init(keyManagers, bundle.getManagers().getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Presents the client's certificate whatever issuers the server asks for, as curl and
	 * openssl do: the JDK's own key manager would send none when its issuer is not among
	 * them, and a test of an untrusted certificate would test an empty one.
	 */
	private static final class AnyIssuer extends X509ExtendedKeyManager {

		private final X509ExtendedKeyManager delegate;

		AnyIssuer(X509ExtendedKeyManager delegate) {
			this.delegate = delegate;
		}

		@Override
		public String[] getClientAliases(String keyType, Principal[] issuers) {
			return this.delegate.getClientAliases(keyType, null);
		}

		@Override
		public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
			return this.delegate.chooseClientAlias(keyType, null, socket);
		}

		@Override
		public String[] getServerAliases(String keyType, Principal[] issuers) {
			return this.delegate.getServerAliases(keyType, issuers);
		}

		@Override
		public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
			return this.delegate.chooseServerAlias(keyType, issuers, socket);
		}

		@Override
		public X509Certificate[] getCertificateChain(String alias) {
			return this.delegate.getCertificateChain(alias);
		}

		@Override
		public PrivateKey getPrivateKey(String alias) {
			return this.delegate.getPrivateKey(alias);
		}

	}

	/**
	 * Run {@code openssl} with arguments, in the certificates' directory.
	 * @throws AssertionError saying what to install when openssl is missing
	 */
	public String openssl(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(arguments));
		return run(command, "openssl (Debian: apt-get install -y openssl)");
	}

	private void make() {
		ca("ca", "Portico Test CA");
		ca("rogue-ca", "Rogue Test CA");
		leaf("server", "ca", "/CN=localhost", "serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost");
		leaf("server-renewed", "ca", "/CN=localhost/O=Renewed", "serverAuth",
				"subjectAltName=IP:127.0.0.1,DNS:localhost");
		leaf("client", "ca", "/CN=portico-test-client/O=Portico Tests", "clientAuth", null);
		leaf("rogue-client", "rogue-ca", "/CN=rogue-client", "clientAuth", null);
		openssl("pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-certfile", "ca.crt", "-name",
				"server", "-out", "server.p12", "-passout", "pass:" + JKS_PASSWORD);
		run(List.of("keytool", "-importkeystore", "-noprompt", "-srckeystore", "server.p12", "-srcstoretype", "PKCS12",
				"-srcstorepass", JKS_PASSWORD, "-destkeystore", "server.jks", "-deststoretype", "JKS", "-deststorepass",
				JKS_PASSWORD, "-destkeypass", JKS_PASSWORD), "keytool (it comes with the JDK)");
		run(List.of("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.jks",
				"-storetype", "JKS", "-storepass", JKS_PASSWORD), "keytool (it comes with the JDK)");
	}

	private void ca(String name, String commonName) {
		openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
				name + ".key", "-out", name + ".crt", "-days", "3", "-subj", "/CN=" + commonName, "-addext",
				"basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
	}

	private void leaf(String name, String issuer, String subject, String usage, String subjectAltName) {
		openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
				"-out", name + ".csr", "-subj", subject);
		String extensions = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
				+ "extendedKeyUsage=" + usage + "\n" + ((subjectAltName != null) ? subjectAltName + "\n" : "");
		try {
			Files.writeString(path(name + ".ext"), extensions, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuer + ".key",
				"-CAcreateserial", "-days", "3", "-extfile", name + ".ext", "-out", name + ".crt");
	}

	private String run(List<String> command, String install) {
		Process process;
		try {
			process = new ProcessBuilder(command).directory(this.directory.toFile()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new AssertionError("TLS tests need " + install + ": " + ex.getMessage(), ex);
		}
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new AssertionError(String.join(" ", command) + " failed: " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted: " + command, ex);
		}
		finally {
			process.destroy();
		}
	}

}
