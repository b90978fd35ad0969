package dev.portico.api;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The one way Portico's controllers answer a failure: an RFC 9457 problem
 * ({@code application/problem+json}) with a {@code detail} that says what to do, thrown
 * as Spring's {@link ErrorResponseException} and rendered by the web layer's exception
 * handler.
 */
public final class ApiProblems {

	private ApiProblems() {
	}

	/** A problem with the given status and detail, and optional extra members. */
	public static ErrorResponseException of(HttpStatus status, String detail, Map<String, Object> properties) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		properties.forEach(problem::setProperty);
		return new ErrorResponseException(status, problem, null);
	}

	public static ErrorResponseException notFound(String detail) {
		return of(HttpStatus.NOT_FOUND, detail, Map.of());
	}

	public static ErrorResponseException badRequest(String detail) {
		return of(HttpStatus.BAD_REQUEST, detail, Map.of());
	}

	public static ErrorResponseException conflict(String detail) {
		return of(HttpStatus.CONFLICT, detail, Map.of());
	}

	/** 503 with {@code Retry-After}: the request may succeed later as it is. */
	public static ErrorResponseException unavailable(String detail, int retryAfterSeconds) {
		ErrorResponseException problem = of(HttpStatus.SERVICE_UNAVAILABLE, detail, Map.of());
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
		return problem;
	}

	/** 500 for a change that could not be stored: nothing changed. */
	public static ErrorResponseException serverError(String detail) {
		return of(HttpStatus.INTERNAL_SERVER_ERROR, detail, Map.of());
	}

}
