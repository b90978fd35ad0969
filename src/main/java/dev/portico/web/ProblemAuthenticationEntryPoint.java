package dev.portico.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a missing or wrong credential with a 401 problem and a Basic challenge; no
 * challenge for requests marked {@code X-Requested-With: XMLHttpRequest}, such as the web
 * console's.
 */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final JsonMapper jsonMapper;

	ProblemAuthenticationEntryPoint(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		// a challenge makes browsers pop their own login dialog over the web console,
		// which asks itself
		if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"portico\"");
		}
		ProblemResponses.write(request, response, this.jsonMapper, HttpStatus.UNAUTHORIZED,
				"This operation needs HTTP Basic credentials: portico.api.username and portico.api.password");
	}

}
