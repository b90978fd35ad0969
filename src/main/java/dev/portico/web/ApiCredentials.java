package dev.portico.web;

import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

import dev.portico.api.ApiProperties;

/**
 * The one API user and its password: {@code portico.api.password} when set, otherwise a
 * password generated for this run. The generated one is made when first needed (the
 * start-up summary, or a login attempt) and is shown only in the start-up summary, so a
 * start that fails never prints a password nobody can use.
 */
final class ApiCredentials implements UserDetailsService {

	/**
	 * A password already encoded for a {@code DelegatingPasswordEncoder}, such as
	 * {@code {bcrypt}...}.
	 */
	private static final Pattern ENCODED = Pattern.compile("^\\{.+}.*$");

	private static final ConfigurationPropertyName PASSWORD_KEY = ConfigurationPropertyName.of("portico.api.password");

	private final String username;

	private final String configured;

	private final String configuredIn;

	private volatile String generated;

	ApiCredentials(ApiProperties properties, Environment environment) {
		this.username = properties.username();
		String password = properties.password();
		this.configured = (password == null || password.isEmpty()) ? null : password;
		this.configuredIn = (this.configured != null) ? origin(environment) : null;
	}

	/** The user allowed to make changes. */
	String username() {
		return this.username;
	}

	/** Whether the password is generated for this run (none was configured). */
	boolean isGenerated() {
		return this.configured == null;
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
		if (this.configured != null) {
			throw new IllegalStateException("A password is configured: none is generated");
		}
		String password = this.generated;
		if (password == null) {
			synchronized (this) {
				password = this.generated;
				if (password == null) {
					password = UUID.randomUUID().toString();
					this.generated = password;
				}
			}
		}
		return password;
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		if (!this.username.equals(username)) {
			// reported to the client as wrong credentials, like a wrong password
			throw new UsernameNotFoundException("Not the API user");
		}
		return User.withUsername(this.username).password(encodedPassword()).roles("OPERATOR").build();
	}

	private String encodedPassword() {
		if (this.configured == null) {
			return "{noop}" + generatedPassword();
		}
		return ENCODED.matcher(this.configured).matches() ? this.configured : "{noop}" + this.configured;
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
