package dev.portico.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a protected operation asked without acceptable credentials with a 401 problem
 * that says how to get them: the generated password in the start-up summary, or
 * {@code PORTICO_API_PASSWORD}. It tells a missing credential from one that was not
 * accepted (and an empty password, the usual sign of an unset variable in
 * {@code -u "admin:$PORTICO_API_PASSWORD"}), but never which part of a credential was
 * wrong, nor the configured user.
 *
 * <p>
 * The Basic challenge ({@code WWW-Authenticate}) makes a browser pop up its sign-in
 * dialog. Non-browser clients get it; a page's script that says so with
 * {@code X-Requested-With: XMLHttpRequest} (the console) does not, and asks for the
 * credentials itself.
 */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private static final String HOW_TO_GET_THEM = " Use the user portico.api.username (default admin) with the"
			+ " password portico.api.password. When none is configured, Portico generates one at every start and"
			+ " prints it in the start-up summary of its log (\"password ... generated for this run only\"); to choose"
			+ " your own, start Portico with PORTICO_API_PASSWORD set.";

	private final JsonMapper jsonMapper;

	ProblemAuthenticationEntryPoint(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"portico\"");
		}
		ProblemResponses.write(request, response, this.jsonMapper, HttpStatus.UNAUTHORIZED,
				detail(request.getHeader(HttpHeaders.AUTHORIZATION)));
	}

	private static String detail(String authorization) {
		if (authorization == null || authorization.isBlank()) {
			return "This operation needs HTTP Basic credentials, and the request has none." + HOW_TO_GET_THEM;
		}
		if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			String scheme = authorization.strip().split("\\s+", 2)[0].replaceAll("[^A-Za-z0-9-]", "");
			return "This operation needs HTTP Basic credentials; the request sent " + scheme.toLowerCase(Locale.ROOT)
					+ " credentials, which Portico does not accept." + HOW_TO_GET_THEM;
		}
		String decoded = decode(authorization.substring(6).strip());
		if (decoded == null || decoded.indexOf(':') < 0) {
			return "The Authorization header is not valid HTTP Basic (the base64 of user:password)." + HOW_TO_GET_THEM;
		}
		if (decoded.endsWith(":")) {
			return "The HTTP Basic credentials have an empty password (is PORTICO_API_PASSWORD set in this shell?)."
					+ HOW_TO_GET_THEM;
		}
		return "The HTTP Basic credentials were not accepted. A generated password changes at every start of"
				+ " Portico." + HOW_TO_GET_THEM;
	}

	private static String decode(String token) {
		try {
			return new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
