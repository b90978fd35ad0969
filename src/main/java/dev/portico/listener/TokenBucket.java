package dev.portico.listener;

/**
 * A token bucket: up to {@code capacity} events at once, then {@code perSecond} on
 * average. Time is passed in ({@link System#nanoTime()} values), so callers read the
 * clock once for several buckets and tests drive it. Not thread-safe: a bucket is
 * confined to one thread (a UDP listener's receive loop) or updated under its map's lock
 * (the failed-login limiter).
 */
public final class TokenBucket {

	private final double capacity;

	private final double tokensPerNano;

	private double tokens;

	private long updated;

	/**
	 * A full bucket.
	 * @param capacity the burst: events allowed at once
	 * @param perSecond tokens added per second
	 * @param nowNanos the time now
	 */
	public TokenBucket(int capacity, double perSecond, long nowNanos) {
		if (capacity < 1 || perSecond <= 0) {
			throw new IllegalArgumentException("capacity must be at least 1 and perSecond positive");
		}
		this.capacity = capacity;
		this.tokensPerNano = perSecond / 1e9;
		this.tokens = capacity;
		this.updated = nowNanos;
	}

	/** Take one token if there is one. */
	public boolean tryTake(long nowNanos) {
		refill(nowNanos);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		return false;
	}

	/** Give back a token taken for something that turned out not to count. */
	public void refund() {
		this.tokens = Math.min(this.capacity, this.tokens + 1);
	}

	/** How long until a token is available: 0 if one is now. */
	public long nanosUntilToken(long nowNanos) {
		refill(nowNanos);
		return (this.tokens >= 1) ? 0 : (long) Math.ceil((1 - this.tokens) / this.tokensPerNano);
	}

	/** Whether the bucket is full again: its owner has been quiet long enough. */
	public boolean isFull(long nowNanos) {
		refill(nowNanos);
		return this.tokens >= this.capacity;
	}

	private void refill(long nowNanos) {
		long elapsed = nowNanos - this.updated;
		if (elapsed > 0) {
			this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.tokensPerNano);
			this.updated = nowNanos;
		}
	}

}
