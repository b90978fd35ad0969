package dev.portico.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.portico.api.ApiProperties;

/**
 * The API's one user, its password, and the check of presented credentials.
 *
 * <p>
 * The password is {@code portico.api.password} when set, otherwise one generated for this
 * run: made when first needed (the start-up summary or a login attempt) and shown only in
 * the start-up summary, so a start that fails never prints a password nobody can use.
 *
 * <p>
 * Every check does the same work whatever the user name (the password is always verified,
 * then the names are compared in constant time), so a response time never tells whether a
 * user exists. A plain password is kept only as an HMAC under a key made at start and
 * compared in constant time: verifying it costs microseconds, and a slow hash would add
 * no protection, since the configuration holds the password itself. An encoded one
 * ({@code {bcrypt}...}) is verified with its encoder as configured and never re-encoded
 * ("upgraded") to another.
 */
final class ApiCredentials {

	/** A password encoded for a {@code DelegatingPasswordEncoder}: {@code {id}...}. */
	private static final Pattern ENCODED = Pattern.compile("^\\{([^{}]+)}(.*)$", Pattern.DOTALL);

	private static final Set<String> ENCODERS = Set.of("bcrypt", "ldap", "MD4", "MD5", "noop", "pbkdf2",
			"pbkdf2@SpringSecurity_v5_8", "scrypt", "scrypt@SpringSecurity_v5_8", "SHA-1", "SHA-256", "sha256",
			"argon2", "argon2@SpringSecurity_v5_8");

	private static final ConfigurationPropertyName PASSWORD_KEY = ConfigurationPropertyName.of("portico.api.password");

	private final byte[] key = new byte[32];

	private final String username;

	private final byte[] usernameMac;

	private final String configuredIn;

	/** HMAC of the plain password, or null when it is encoded or not generated yet. */
	private volatile byte[] plain;

	private final String encoded;

	private final PasswordEncoder encoder;

	private volatile String generated;

	ApiCredentials(ApiProperties properties, Environment environment) {
		new SecureRandom().nextBytes(this.key);
		this.username = properties.username();
		this.usernameMac = hmac(this.username);
		String password = properties.password();
		if (password == null || password.isEmpty()) {
			this.configuredIn = null;
			this.encoded = null;
			this.encoder = null;
			return;
		}
		this.configuredIn = origin(environment);
		Matcher matcher = ENCODED.matcher(password);
		if (matcher.matches() && !matcher.group(1).equals("noop")) {
			if (!ENCODERS.contains(matcher.group(1))) {
				throw new IllegalStateException("portico.api.password starts with {" + matcher.group(1)
						+ "}, which names no password encoder: use {bcrypt}, {pbkdf2}, {scrypt} or {argon2},"
						+ " or {noop} before a plain password");
			}
			this.encoded = password;
			this.encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		}
		else {
			this.plain = hmac(matcher.matches() ? matcher.group(2) : password);
			this.encoded = null;
			this.encoder = null;
		}
	}

	/** The user allowed to make changes. */
	String username() {
		return this.username;
	}

	/** Whether the password is generated for this run (none was configured). */
	boolean isGenerated() {
		return this.configuredIn == null;
	}

	/**
	 * Where the configured password comes from (an environment variable, a file and line,
	 * an argument), never the password itself; null when it is generated.
	 */
	String configuredIn() {
		return this.configuredIn;
	}

	/**
	 * The generated password, made on first call.
	 * @throws IllegalStateException when a password is configured
	 */
	String generatedPassword() {
		if (!isGenerated()) {
			throw new IllegalStateException("A password is configured: none is generated");
		}
		String password = this.generated;
		if (password == null) {
			synchronized (this) {
				password = this.generated;
				if (password == null) {
					password = UUID.randomUUID().toString();
					this.plain = hmac(password);
					this.generated = password;
				}
			}
		}
		return password;
	}

	/** Whether these are the user's credentials; the same work for any user name. */
	boolean matches(String username, String password) {
		if (isGenerated()) {
			generatedPassword();
		}
		byte[] plainMac = this.plain;
		boolean passwordMatches = (plainMac != null) ? MessageDigest.isEqual(hmac(password), plainMac)
				: this.encoder.matches(password, this.encoded);
		boolean usernameMatches = MessageDigest.isEqual(hmac(username), this.usernameMac);
		return passwordMatches & usernameMatches;
	}

	/**
	 * A key for credentials that never reveals them: an HMAC under a key made at start,
	 * for the cache of verified credentials.
	 */
	String fingerprint(String username, String password) {
		byte[] mac = hmac(username.length() + ":" + username + ":" + password);
		StringBuilder hex = new StringBuilder(mac.length * 2);
		for (byte b : mac) {
			hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
		}
		return hex.toString();
	}

	private byte[] hmac(String value) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.key, "HmacSHA256"));
			return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
		}
	}

	private static String origin(Environment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(PASSWORD_KEY);
			if (property != null) {
				Origin origin = property.getOrigin();
				return (origin != null) ? origin.toString() : "portico.api.password";
			}
		}
		return "portico.api.password";
	}

}
