package dev.portico.api;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An RFC 9457 problem raised by a controller, with a detail that says what to do. */
class ApiException extends ErrorResponseException {

	ApiException(HttpStatus status, String detail) {
		this(status, detail, Map.of());
	}

	ApiException(HttpStatus status, String detail, Map<String, Object> properties) {
		super(status, problem(status, detail, properties), null);
	}

	private static ProblemDetail problem(HttpStatus status, String detail, Map<String, Object> properties) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		properties.forEach(problem::setProperty);
		return problem;
	}

	static ApiException notFound(String detail) {
		return new ApiException(HttpStatus.NOT_FOUND, detail);
	}

	static ApiException badRequest(String detail) {
		return new ApiException(HttpStatus.BAD_REQUEST, detail);
	}

	static ApiException conflict(String detail) {
		return new ApiException(HttpStatus.CONFLICT, detail);
	}

}
