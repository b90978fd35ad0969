package dev.portico.web;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.portico.api.ApiProblems;

/**
 * Refuses (415) a change whose body is of a type an HTML form or a no-CORS {@code fetch}
 * can send without asking ({@code application/x-www-form-urlencoded},
 * {@code multipart/form-data}, {@code text/plain}) unless its endpoint declares that it
 * consumes that type: pushes, broadcasts and search values take {@code text/plain}, and
 * nothing takes forms. A second line behind {@link CrossSiteWriteFilter}: a cross-site
 * form can then reach no endpoint at all, for instance a listener's {@code stop}, which
 * has no body.
 */
final class SimpleBodyInterceptor implements HandlerInterceptor {

	private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private static final List<MediaType> SIMPLE = List.of(MediaType.APPLICATION_FORM_URLENCODED,
			MediaType.MULTIPART_FORM_DATA, MediaType.TEXT_PLAIN);

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (request.getDispatcherType() != DispatcherType.REQUEST || READS.contains(request.getMethod())
				|| request.getContentType() == null) {
			return true;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(request.getContentType());
		}
		catch (InvalidMediaTypeException ex) {
			// Spring MVC answers an unreadable content type itself
			return true;
		}
		MediaType simple = SIMPLE.stream()
			.filter((candidate) -> candidate.isCompatibleWith(type))
			.findFirst()
			.orElse(null);
		if (simple == null || (handler instanceof HandlerMethod method && consumes(method, simple))) {
			return true;
		}
		throw ApiProblems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
				"This endpoint takes no " + simple + " body: send JSON (application/json), or no body", Map.of());
	}

	/** Whether the handler's mapping names the type among those it consumes. */
	private static boolean consumes(HandlerMethod handler, MediaType simple) {
		RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RequestMapping.class);
		String[] consumes = (mapping != null) ? mapping.consumes() : new String[0];
		if (consumes.length == 0) {
			RequestMapping type = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(),
					RequestMapping.class);
			consumes = (type != null) ? type.consumes() : new String[0];
		}
		return Arrays.stream(consumes).map(MediaType::parseMediaType).anyMatch((declared) -> declared.includes(simple));
	}

}
