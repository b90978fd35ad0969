package dev.portico.web;

import java.net.URI;
import java.util.Collection;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.portico.listener.InputText;

/**
 * Turns every error of the API into an RFC 9457 problem
 * ({@code application/problem+json}), including Spring MVC's own (malformed JSON,
 * unsupported media type, unknown path).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	/** Longest {@code detail} answered: problems never echo unbounded input. */
	static final int MAX_DETAIL = 1000;

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		// a body cut off at portico.api.max-body-size while the JSON reader read it
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof ErrorResponseException problem) {
				return handleErrorResponseException(problem, problem.getHeaders(), problem.getStatusCode(), request);
			}
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The request body could not be read: " + describe(ex)
						+ ". Send a JSON object such as {\"name\": \"echo2\", \"type\": \"echo\", \"port\": 7000}.");
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	/** Every problem goes out through here: its detail is capped. */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ProblemDetail problem = (body instanceof ProblemDetail detail) ? detail
				: (ex instanceof ErrorResponse response) ? response.getBody() : null;
		if (problem != null && problem.getDetail() != null && problem.getDetail().length() > MAX_DETAIL) {
			problem.setDetail(problem.getDetail().substring(0, MAX_DETAIL) + "... (cut)");
		}
		return super.handleExceptionInternal(ex, body, headers, statusCode, request);
	}

	/**
	 * Anything unforeseen: a 500 problem without internals, the stack trace in the log.
	 */
	@ExceptionHandler(RuntimeException.class)
	ResponseEntity<ProblemDetail> handleUnexpected(RuntimeException ex, HttpServletRequest request) {
		logger.error("Unexpected error answering " + request.getMethod() + " " + request.getRequestURI(), ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"Portico could not complete the request because of an unexpected error ("
						+ ex.getClass().getSimpleName() + "); the service log has the details");
		problem.setInstance(URI.create(request.getRequestURI()));
		return ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	/**
	 * What was wrong with a body, in JSON terms: field names and JSON types, never the
	 * Java classes and methods behind them (Jackson's own messages name both).
	 */
	static String describe(HttpMessageNotReadableException ex) {
		Throwable cause = ex.getMostSpecificCause();
		if (cause instanceof UnrecognizedPropertyException unknown) {
			return "it has an unknown field '" + InputText.quote(unknown.getPropertyName()) + "'";
		}
		if (cause instanceof MismatchedInputException mismatch) {
			String path = path(mismatch);
			String expected = jsonType(mismatch.getTargetType());
			return path.isEmpty() ? "it must be " + expected
					: "the value of '" + InputText.quote(path) + "' must be " + expected;
		}
		if (cause instanceof JacksonException json) {
			TokenStreamLocation location = json.getLocation();
			return "it is not valid JSON" + ((location != null && location.getLineNr() > 0)
					? " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")" : "");
		}
		return "it is empty or not JSON";
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String jsonType(Class<?> type) {
		if (type == null) {
			return "of another JSON type";
		}
		if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
			return "a number";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (CharSequence.class.isAssignableFrom(type)) {
			return "a string";
		}
		if (Map.class.isAssignableFrom(type) || type.isRecord()) {
			return "an object";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "an array";
		}
		return "of another JSON type";
	}

}
