package dev.portico.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses changes that a browser made on behalf of another site. HTTP Basic has no CSRF
 * token, and a browser that once answered the Basic prompt sends the credentials with any
 * request to the service, a cross-site form post included. Browsers say where a request
 * comes from: {@code Sec-Fetch-Site} (not sent to plain-{@code http://} hosts other than
 * localhost), and {@code Origin} on every cross-origin POST, PUT and DELETE (or, from old
 * browsers, {@code Referer}). A change is refused (403) when {@code Sec-Fetch-Site} says
 * another site, or when its {@code Origin}, else its {@code Referer}, is neither the
 * service's own origin (the scheme, host and port the request was sent to) nor one of
 * {@code portico.api.allowed-origins} (a console behind a proxy). Clients that are not
 * browsers (curl, scripts) send none of these headers and are unaffected. Runs before
 * authentication, so a refused request costs no password check.
 */
final class CrossSiteWriteFilter extends OncePerRequestFilter {

	private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private static final Set<String> ALLOWED_SITES = Set.of("same-origin", "none");

	private final JsonMapper jsonMapper;

	private final Set<String> allowedOrigins;

	CrossSiteWriteFilter(JsonMapper jsonMapper, List<String> allowedOrigins) {
		this.jsonMapper = jsonMapper;
		this.allowedOrigins = allowedOrigins.stream().map(CrossSiteWriteFilter::origin).map((origin) -> {
			if (origin == null) {
				throw new IllegalStateException("portico.api.allowed-origins must hold origins such as"
						+ " https://portico.example.com (scheme, host and optional port)");
			}
			return origin;
		}).collect(Collectors.toUnmodifiableSet());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (READS.contains(request.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		String site = request.getHeader("Sec-Fetch-Site");
		if (site != null && !ALLOWED_SITES.contains(site)) {
			refuse(request, response, "Sec-Fetch-Site: " + site.replaceAll("[^a-z-]", ""));
			return;
		}
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		String header = (origin != null) ? HttpHeaders.ORIGIN : HttpHeaders.REFERER;
		String claimed = (origin != null) ? origin : request.getHeader(HttpHeaders.REFERER);
		if (claimed != null && !isAllowed(origin(claimed), request)) {
			refuse(request, response, header + ": " + printable(claimed));
			return;
		}
		chain.doFilter(request, response);
	}

	private boolean isAllowed(String origin, HttpServletRequest request) {
		if (origin == null) {
			// "null" (a sandboxed frame, a file) or something no browser would send
			return false;
		}
		return origin.equals(origin(request.getScheme(), request.getServerName(), request.getServerPort()))
				|| this.allowedOrigins.contains(origin);
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, String evidence) throws IOException {
		ProblemResponses.write(request, response, this.jsonMapper, HttpStatus.FORBIDDEN,
				"A browser sent this change from another site (" + evidence
						+ "); Portico accepts changes only from its own pages, from portico.api.allowed-origins"
						+ " or from non-browser clients");
	}

	/**
	 * An origin or URL as {@code scheme://host:port}, lower case, port always given; null
	 * if it is not an http(s) URL with a host.
	 */
	static String origin(String value) {
		try {
			URI uri = new URI(value.trim());
			if (uri.getScheme() == null || uri.getHost() == null) {
				return null;
			}
			return origin(uri.getScheme(), uri.getHost(), uri.getPort());
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static String origin(String scheme, String host, int port) {
		String lowerScheme = scheme.toLowerCase(Locale.ROOT);
		if (!lowerScheme.equals("http") && !lowerScheme.equals("https")) {
			return null;
		}
		int effectivePort = (port >= 0) ? port : (lowerScheme.equals("https") ? 443 : 80);
		String bareHost = host.toLowerCase(Locale.ROOT);
		if (bareHost.startsWith("[") && bareHost.endsWith("]")) {
			bareHost = bareHost.substring(1, bareHost.length() - 1);
		}
		// an IPv6 address in brackets, whether the host came with them (a URL) or not (a
		// server name)
		String urlHost = (bareHost.indexOf(':') >= 0) ? "[" + bareHost + "]" : bareHost;
		return lowerScheme + "://" + urlHost + ":" + effectivePort;
	}

	/**
	 * A header value fit for a problem detail: printable ASCII, at most 100 characters.
	 */
	private static String printable(String value) {
		String clean = value.replaceAll("[^\\x20-\\x7e]", "?");
		return (clean.length() > 100) ? clean.substring(0, 100) + "..." : clean;
	}

}
