package dev.portico.console;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A 503 problem: no event stream can be opened now; the client may retry after a while.
 */
final class StreamRefusedException extends ErrorResponseException {

	StreamRefusedException(String detail) {
		super(HttpStatus.SERVICE_UNAVAILABLE, ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail),
				null);
		getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
	}

}
