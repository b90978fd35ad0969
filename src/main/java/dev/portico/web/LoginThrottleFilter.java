package dev.portico.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.www.BasicAuthenticationConverter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 429 with {@code Retry-After}, before any password is verified, to a request
 * with HTTP Basic credentials from an address that has used up its failed logins
 * ({@link LoginLimiter}), unless the credentials were verified a moment ago. Runs before
 * Spring Security's Basic filter, which would otherwise verify them.
 */
final class LoginThrottleFilter extends OncePerRequestFilter {

	private final LoginLimiter limiter;

	private final ApiAuthenticationProvider provider;

	private final JsonMapper jsonMapper;

	private final BasicAuthenticationConverter converter = new BasicAuthenticationConverter();

	LoginThrottleFilter(LoginLimiter limiter, ApiAuthenticationProvider provider, JsonMapper jsonMapper) {
		this.limiter = limiter;
		this.provider = provider;
		this.jsonMapper = jsonMapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6) && !isVerified(request)) {
			long wait = this.limiter.tryCheck(request.getRemoteAddr());
			if (wait > 0) {
				long seconds = this.limiter.throttled(wait);
				response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
				ProblemResponses.write(request, response, this.jsonMapper, HttpStatus.TOO_MANY_REQUESTS,
						"Too many failed logins from this address: credentials are checked again in " + seconds
								+ " s (portico.api.max-failed-logins-per-minute)");
				return;
			}
		}
		chain.doFilter(request, response);
	}

	private boolean isVerified(HttpServletRequest request) {
		try {
			UsernamePasswordAuthenticationToken token = this.converter.convert(request);
			return token != null && this.provider.isVerified(token.getName(), String.valueOf(token.getCredentials()));
		}
		catch (AuthenticationException ex) {
			// a malformed header is not verified credentials
			return false;
		}
	}

}
