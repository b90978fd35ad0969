package dev.portico.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Reads raw request bodies with a size cap, answering 413 before reading more than the
 * cap.
 */
public final class RequestBodies {

	private RequestBodies() {
	}

	/**
	 * The whole body, at most {@code max} bytes.
	 * @throws ErrorResponseException 413 if larger, 400 if empty
	 */
	public static byte[] read(HttpServletRequest request, long max) throws IOException {
		if (request.getContentLengthLong() > max) {
			throw tooLarge(request.getContentLengthLong(), max);
		}
		byte[] body;
		try (InputStream in = request.getInputStream()) {
			body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
		}
		if (body.length > max) {
			throw tooLarge(body.length, max);
		}
		if (body.length == 0) {
			throw ApiProblems.badRequest("The body is empty");
		}
		return body;
	}

	private static ErrorResponseException tooLarge(long size, long max) {
		return ApiProblems.of(HttpStatus.CONTENT_TOO_LARGE,
				"The body has " + size + " bytes or more; at most " + max + " are accepted (portico.api.max-body-size)",
				Map.of());
	}

}
