package dev.portico.web;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.portico.api.ApiProblems;

/**
 * Caps every request body at {@code portico.api.max-body-size}, JSON included (Spring MVC
 * reads a JSON body whole, whatever its size): a declared length over the cap is answered
 * 413 before anything is read, and a body without one (chunked) fails with 413 as soon as
 * it passes the cap, so no more than the cap is ever read.
 */
final class BodyLimitFilter extends OncePerRequestFilter {

	private final long max;

	private final JsonMapper jsonMapper;

	BodyLimitFilter(long max, JsonMapper jsonMapper) {
		this.max = max;
		this.jsonMapper = jsonMapper;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long declared = request.getContentLengthLong();
		if (declared > this.max) {
			ProblemResponses.write(request, response, this.jsonMapper, HttpStatus.CONTENT_TOO_LARGE,
					tooLarge(declared, this.max));
			return;
		}
		chain.doFilter((declared >= 0) ? request : new Capped(request, this.max), response);
	}

	static String tooLarge(long size, long max) {
		return "The body has " + size + " bytes or more; at most " + max + " are accepted (portico.api.max-body-size)";
	}

	/** A request whose body stream fails with 413 once it passes the cap. */
	private static final class Capped extends HttpServletRequestWrapper {

		private final long max;

		private ServletInputStream stream;

		Capped(HttpServletRequest request, long max) {
			super(request);
			this.max = max;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.stream == null) {
				this.stream = new CappedStream(super.getInputStream(), this.max);
			}
			return this.stream;
		}

	}

	private static final class CappedStream extends ServletInputStream {

		private final ServletInputStream in;

		private final long max;

		private long read;

		CappedStream(ServletInputStream in, long max) {
			this.in = in;
			this.max = max;
		}

		@Override
		public int read() throws IOException {
			int b = this.in.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = this.in.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) {
			this.read += n;
			if (this.read > this.max) {
				throw tooLargeProblem(this.read, this.max);
			}
		}

		@Override
		public boolean isFinished() {
			return this.in.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.in.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.in.setReadListener(listener);
		}

		private static ErrorResponseException tooLargeProblem(long size, long max) {
			return ApiProblems.of(HttpStatus.CONTENT_TOO_LARGE, tooLarge(size, max), Map.of());
		}

	}

}
