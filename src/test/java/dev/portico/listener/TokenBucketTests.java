package dev.portico.listener;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	@Test
	void shouldAllowTheBurstAtOnceThenTheRate() {
		TokenBucket bucket = new TokenBucket(5, 10, 0);
		for (int i = 0; i < 5; i++) {
			assertThat(bucket.tryTake(0)).isTrue();
		}
		assertThat(bucket.tryTake(0)).isFalse();
		assertThat(bucket.nanosUntilToken(0)).isEqualTo(SECOND / 10);
		assertThat(bucket.tryTake(SECOND / 10 - 1)).isFalse();
		assertThat(bucket.tryTake(SECOND / 10)).isTrue();
		// ten tokens a second: empty at 0.1 s, four at 0.5 s, full (five) at 0.6 s
		assertThat(bucket.isFull(SECOND / 10 + 4 * SECOND / 10)).isFalse();
		assertThat(bucket.isFull(SECOND / 10 + SECOND / 2)).isTrue();
		int taken = 0;
		while (bucket.tryTake(2 * SECOND)) {
			taken++;
		}
		assertThat(taken).isEqualTo(5);
	}

	@Test
	void shouldNotGoBackwardsWhenTheClockIsPassedOutOfOrder() {
		TokenBucket bucket = new TokenBucket(1, 1, SECOND);
		assertThat(bucket.tryTake(SECOND)).isTrue();
		assertThat(bucket.tryTake(0)).isFalse();
		assertThat(bucket.tryTake(2 * SECOND)).isTrue();
	}

}
