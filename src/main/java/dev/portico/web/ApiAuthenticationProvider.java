package dev.portico.web;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Authenticates the API's one user from HTTP Basic credentials: accepted at once when
 * verified in the last minute, else checked by {@link ApiCredentials} (the
 * {@link LoginThrottleFilter} has taken the check from the address's budget; a success
 * gives it back). Nothing is stored back: unlike a {@code DaoAuthenticationProvider} over
 * a user store, it never re-encodes the configured password.
 */
final class ApiAuthenticationProvider implements AuthenticationProvider {

	private static final List<SimpleGrantedAuthority> OPERATOR = List.of(new SimpleGrantedAuthority("ROLE_OPERATOR"));

	private final ApiCredentials credentials;

	private final LoginLimiter limiter;

	ApiAuthenticationProvider(ApiCredentials credentials, LoginLimiter limiter) {
		this.credentials = credentials;
		this.limiter = limiter;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String username = authentication.getName();
		Object presented = authentication.getCredentials();
		String password = (presented != null) ? presented.toString() : "";
		String fingerprint = this.credentials.fingerprint(username, password);
		if (this.limiter.isVerified(fingerprint)) {
			this.limiter.accepted();
			return operator(username, authentication);
		}
		if (this.credentials.matches(username, password)) {
			this.limiter.succeeded(fingerprint, address(authentication));
			return operator(username, authentication);
		}
		this.limiter.failed();
		throw new BadCredentialsException("Bad credentials");
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

	/** Whether these credentials were verified in the last minute. */
	boolean isVerified(String username, String password) {
		return this.limiter.isVerified(this.credentials.fingerprint(username, password));
	}

	private static Authentication operator(String username, Authentication request) {
		UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.authenticated(username, null,
				OPERATOR);
		token.setDetails(request.getDetails());
		return token;
	}

	private static String address(Authentication authentication) {
		return (authentication.getDetails() instanceof WebAuthenticationDetails details) ? details.getRemoteAddress()
				: null;
	}

}
