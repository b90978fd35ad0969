package dev.portico.web;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses changes that a browser made on behalf of another site. HTTP Basic has no CSRF
 * token, and a browser that once answered the Basic prompt sends the credentials with a
 * cross-site form post ({@code text/plain} bodies reach the push endpoints); such
 * requests carry {@code Sec-Fetch-Site: cross-site} or {@code same-site}. Clients that
 * are not browsers (curl, scripts) send no such header and are unaffected.
 */
final class CrossSiteWriteFilter extends OncePerRequestFilter {

	private final JsonMapper jsonMapper;

	CrossSiteWriteFilter(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private static final Set<String> ALLOWED_SITES = Set.of("same-origin", "none");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String site = request.getHeader("Sec-Fetch-Site");
		if (site != null && !READS.contains(request.getMethod()) && !ALLOWED_SITES.contains(site)) {
			ProblemResponses.write(request, response, this.jsonMapper, HttpStatus.FORBIDDEN,
					"A browser sent this change from another site (Sec-Fetch-Site: " + site.replaceAll("[^a-z-]", "")
							+ "); Portico accepts changes only from its own pages or from non-browser clients");
			return;
		}
		chain.doFilter(request, response);
	}

}
