package dev.portico.cluster;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.ErrorResponseException;

import dev.portico.api.ApiProblems;

/**
 * Whether Redis answers, as the last call found it, and the one way cluster code calls
 * it: a failed call marks Redis unreachable (health DOWN, one clear error in the log per
 * outage, naming the {@code spring.data.redis.*} key to check) and becomes a 503 problem
 * for the API. Every call is bounded by the client's timeouts
 * ({@code spring.data.redis.timeout}, {@code connect-timeout}), so none hangs.
 */
final class RedisLink {

	private static final Log logger = LogFactory.getLog(RedisLink.class);

	private final RedisConnectionFactory connectionFactory;

	private volatile boolean up;

	private volatile boolean everUp;

	private volatile String cause = "not contacted yet";

	private volatile Instant since = Instant.now();

	private volatile boolean loggedOutage;

	RedisLink(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/** Whether the last call to Redis succeeded. */
	boolean isUp() {
		return this.up;
	}

	/** Why Redis is unreachable, naming the key to check; meaningless while up. */
	String cause() {
		return this.cause;
	}

	/** Since when Redis has been up, or down. */
	Instant since() {
		return this.since;
	}

	/** Where Redis is, as configured: {@code host:port}. */
	String address() {
		if (this.connectionFactory instanceof LettuceConnectionFactory lettuce) {
			return lettuce.getHostName() + ":" + lettuce.getPort();
		}
		return "(configured by spring.data.redis.*)";
	}

	/**
	 * Run a Redis call; a failure marks Redis down and is thrown as a 503 problem.
	 * @param what what needed Redis, for the problem's detail ("index writes")
	 */
	<T> T call(String what, Supplier<T> call) {
		try {
			T result = call.get();
			succeeded();
			return result;
		}
		catch (RuntimeException ex) {
			failed(ex);
			throw unavailable(what);
		}
	}

	/** The 503 answered while Redis is unreachable. */
	ErrorResponseException unavailable(String what) {
		return ApiProblems.unavailable("Redis is unreachable, so " + what + " cannot be done now: " + this.cause
				+ ". This replica keeps serving its listeners and answers search from its copy of the index;"
				+ " retry when Redis is back.", 5);
	}

	void succeeded() {
		if (!this.up) {
			this.up = true;
			this.loggedOutage = false;
			this.since = Instant.now();
			logger.info("Cluster mode: Redis at " + address() + (this.everUp ? " answers again" : " answers"));
			this.everUp = true;
		}
	}

	/** A call failed: Redis is down; the first failure of an outage is logged. */
	void failed(Throwable ex) {
		String described = describe(ex);
		this.cause = described;
		if (this.up || !this.loggedOutage) {
			this.since = Instant.now();
			this.loggedOutage = true;
			logger.error("Cluster mode: " + described + (this.everUp ? "" : ". Starting anyway")
					+ ": listeners keep serving and search answers from this replica's copy of the index;"
					+ " the replica " + (this.everUp ? "rejoins" : "joins") + " the cluster when Redis answers");
		}
		this.up = false;
	}

	/** What went wrong, naming the {@code spring.data.redis.*} key to check. */
	String describe(Throwable ex) {
		String address = address();
		for (Throwable t = ex; t != null; t = t.getCause()) {
			String message = String.valueOf(t.getMessage());
			if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("invalid password")
					|| message.contains("invalid username-password")) {
				return "Redis at " + address + " refused Portico's credentials (" + firstLine(message)
						+ "): check spring.data.redis.password and spring.data.redis.username";
			}
			if (t instanceof SSLException) {
				return "the TLS handshake with Redis at " + address + " failed (" + firstLine(message)
						+ "): check spring.data.redis.ssl.enabled and spring.data.redis.ssl.bundle";
			}
			if (t instanceof UnknownHostException) {
				return "the Redis host of " + address + " is unknown: check spring.data.redis.host"
						+ " (or spring.data.redis.url)";
			}
			if (message.contains("Currently not connected")) {
				return "the connection to Redis at " + address + " was lost (the client reconnects by itself):"
						+ " check that Redis runs there (spring.data.redis.host, spring.data.redis.port)";
			}
			if (t instanceof ConnectException || message.contains("Connection refused")) {
				return "Redis at " + address + " refused the connection: check spring.data.redis.host and"
						+ " spring.data.redis.port (or spring.data.redis.url), and that Redis runs";
			}
			if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
				return "Redis at " + address + " did not answer in time (" + firstLine(message)
						+ "): check spring.data.redis.host and spring.data.redis.port and the network"
						+ " (spring.data.redis.timeout bounds each call)";
			}
		}
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return "Redis at " + address + " failed: " + firstLine(String.valueOf(root.getMessage()))
				+ " (check spring.data.redis.*)";
	}

	private static String firstLine(String message) {
		int end = message.indexOf('\n');
		String line = (end >= 0) ? message.substring(0, end) : message;
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

}
