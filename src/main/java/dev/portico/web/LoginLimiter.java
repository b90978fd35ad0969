package dev.portico.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.portico.listener.TokenBucket;

/**
 * Limits failed logins per client address, and remembers credentials verified a moment
 * ago. Verifying a password encoded with a slow hash costs about 100 ms of CPU by design,
 * so unlimited guesses would take the service's CPU from everything else. Each address
 * may fail {@code portico.api.max-failed-logins-per-minute} times at once, then as many
 * per minute (a token bucket: each check takes a token before it runs, a successful one
 * gives it back); past it, its requests with credentials get 429 and {@code Retry-After}
 * without being verified, unless they carry credentials verified in the last minute, so
 * the operator behind the same address is not locked out. Both tables are bounded
 * (addresses idle for ten minutes, and the least used beyond 10,000, are forgotten) and
 * hold no password: verified credentials are kept as an HMAC
 * ({@link ApiCredentials#fingerprint}).
 *
 * <p>
 * Counted in {@code portico.api.logins} by {@code outcome}: {@code succeeded},
 * {@code failed}, {@code throttled} (answered 429) and {@code cached} (accepted from the
 * cache, without verification).
 */
final class LoginLimiter {

	static final Duration VERIFIED_FOR = Duration.ofMinutes(1);

	private final int perMinute;

	private final Cache<String, TokenBucket> failures = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofMinutes(10))
		.build();

	private final Cache<String, Boolean> verified = Caffeine.newBuilder()
		.maximumSize(100)
		.expireAfterWrite(VERIFIED_FOR)
		.build();

	private final Counter succeeded;

	private final Counter failed;

	private final Counter throttled;

	private final Counter cached;

	LoginLimiter(int perMinute, MeterRegistry meters) {
		this.perMinute = perMinute;
		this.succeeded = counter(meters, "succeeded");
		this.failed = counter(meters, "failed");
		this.throttled = counter(meters, "throttled");
		this.cached = counter(meters, "cached");
	}

	/**
	 * Take one check from an address's budget before its credentials are verified, so
	 * that requests arriving together cannot all pass while the first checks are still
	 * running; a success gives it back ({@link #succeeded}).
	 * @return 0 if the credentials may be checked now, else how long to wait
	 */
	long tryCheck(String address) {
		long now = System.nanoTime();
		TokenBucket bucket = this.failures.get(address,
				(key) -> new TokenBucket(this.perMinute, this.perMinute / 60.0, now));
		synchronized (bucket) {
			return bucket.tryTake(now) ? 0 : Math.max(1, bucket.nanosUntilToken(now));
		}
	}

	/** Whether credentials with this fingerprint were verified in the last minute. */
	boolean isVerified(String fingerprint) {
		return this.verified.getIfPresent(fingerprint) != null;
	}

	/** Verified credentials: remembered, and the check given back to the address. */
	void succeeded(String fingerprint, String address) {
		this.verified.put(fingerprint, Boolean.TRUE);
		this.succeeded.increment();
		TokenBucket bucket = (address != null) ? this.failures.getIfPresent(address) : null;
		if (bucket != null) {
			synchronized (bucket) {
				bucket.refund();
			}
		}
	}

	void accepted() {
		this.cached.increment();
	}

	/** Credentials that did not match: the check taken stays taken. */
	void failed() {
		this.failed.increment();
	}

	/** A request refused with 429; the seconds to wait, at least 1. */
	long throttled(long retryAfterNanos) {
		this.throttled.increment();
		return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(retryAfterNanos + TimeUnit.SECONDS.toNanos(1) - 1));
	}

	private static Counter counter(MeterRegistry meters, String outcome) {
		return Counter.builder("portico.api.logins")
			.description("HTTP Basic logins by outcome")
			.tag("outcome", outcome)
			.register(meters);
	}

}
