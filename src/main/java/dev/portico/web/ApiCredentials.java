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

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.portico.api.ApiProperties;

/**
 * The API's one user, and the check of presented credentials. Every check does the same
 * work whatever the user name (the password is always verified against the configured
 * one, then the names are compared in constant time), so a response time never tells
 * whether a user exists. A plain configured password is kept only as an HMAC under a key
 * made at start and compared in constant time: verifying it costs microseconds, and a
 * slow hash would add no protection, since the configuration holds the password itself.
 * An encoded one ({@code {bcrypt}...}) is verified with its encoder as configured and
 * never re-encoded ("upgraded") to another.
 */
final class ApiCredentials {

	private static final Log logger = LogFactory.getLog(ApiCredentials.class);

	/** A password encoded for a {@code DelegatingPasswordEncoder}: {@code {id}...}. */
	private static final Pattern ENCODED = Pattern.compile("^\\{([^{}]+)}(.*)$", Pattern.DOTALL);

	private static final Set<String> ENCODERS = Set.of("bcrypt", "ldap", "MD4", "MD5", "noop", "pbkdf2",
			"pbkdf2@SpringSecurity_v5_8", "scrypt", "scrypt@SpringSecurity_v5_8", "SHA-1", "SHA-256", "sha256",
			"argon2", "argon2@SpringSecurity_v5_8");

	private final byte[] key = new byte[32];

	private final byte[] username;

	/** HMAC of the plain password, or null when the password is encoded. */
	private final byte[] plain;

	private final String encoded;

	private final PasswordEncoder encoder;

	private ApiCredentials(String username, String password) {
		new SecureRandom().nextBytes(this.key);
		this.username = hmac(username);
		Matcher matcher = ENCODED.matcher(password);
		if (matcher.matches() && !matcher.group(1).equals("noop")) {
			if (!ENCODERS.contains(matcher.group(1))) {
				throw new IllegalStateException("portico.api.password starts with {" + matcher.group(1)
						+ "}, which names no password encoder: use {bcrypt}, {pbkdf2}, {scrypt} or {argon2},"
						+ " or {noop} before a plain password");
			}
			this.plain = null;
			this.encoded = password;
			this.encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		}
		else {
			this.plain = hmac(matcher.matches() ? matcher.group(2) : password);
			this.encoded = null;
			this.encoder = null;
		}
	}

	/**
	 * The configured user; when no password is configured, a random one, logged once.
	 */
	static ApiCredentials of(ApiProperties properties) {
		String password = properties.password();
		if (password == null || password.isEmpty()) {
			password = UUID.randomUUID().toString();
			logger.warn(String.format(
					"%n%nUsing generated API password for user '%s': %s%n%n"
							+ "Set portico.api.password to choose one; this generated password is for this run only.%n",
					properties.username(), password));
		}
		return new ApiCredentials(properties.username(), password);
	}

	/** Whether these are the user's credentials; the same work for any user name. */
	boolean matches(String username, String password) {
		boolean passwordMatches = (this.plain != null) ? MessageDigest.isEqual(hmac(password), this.plain)
				: this.encoder.matches(password, this.encoded);
		boolean usernameMatches = MessageDigest.isEqual(hmac(username), this.username);
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

}
