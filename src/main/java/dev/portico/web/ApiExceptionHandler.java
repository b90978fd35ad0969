package dev.portico.web;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error of the API into an RFC 9457 problem
 * ({@code application/problem+json}), including Spring MVC's own (malformed JSON,
 * unsupported media type, unknown path).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The request body could not be read: " + firstLine(ex.getMessage())
						+ ". Send a JSON object such as {\"name\": \"echo2\", \"type\": \"echo\", \"port\": 7000}.");
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
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

	private static String firstLine(String message) {
		if (message == null) {
			return "it is empty or malformed";
		}
		int end = message.indexOf('\n');
		String line = (end >= 0) ? message.substring(0, end) : message;
		return (line.length() > 300) ? line.substring(0, 300) + "..." : line;
	}

}
