package dev.porter.devidp.faults;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTests {

	private Instant now = Instant.parse("2026-11-22T10:00:00.250Z");

	private final InstantSource clock = () -> this.now;

	@Test
	void tryConsumeWhenBurstSpentThenRejectedUntilRefilled() {
		TokenBucket bucket = new TokenBucket(2, 1.0, this.clock);
		assertThat(bucket.tryConsume().allowed()).isTrue();
		assertThat(bucket.tryConsume().allowed()).isTrue();
		assertThat(bucket.tryConsume().allowed()).isFalse();
		this.now = this.now.plus(Duration.ofSeconds(1));
		assertThat(bucket.tryConsume().allowed()).isTrue();
	}

	@Test
	void tryConsumeWhenRejectedThenResetIsTheFutureSecondOfTheNextToken() {
		TokenBucket bucket = new TokenBucket(1, 0.5, this.clock);
		bucket.tryConsume();
		TokenBucket.Decision rejected = bucket.tryConsume();
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.remaining()).isZero();
		assertThat(rejected.limit()).isEqualTo(1);
		// one token every 2 s: the next arrives at 10:00:02.250, within second 10:00:03
		assertThat(rejected.resetEpochSecond()).isEqualTo(this.now.plusMillis(2750).getEpochSecond());
		assertThat(rejected.retryAfterSeconds()).isEqualTo(2);
	}

	@Test
	void tryConsumeWhenBucketFullThenResetStillInTheFuture() {
		TokenBucket bucket = new TokenBucket(5, 100, this.clock);
		this.now = this.now.plus(Duration.ofMinutes(1));
		TokenBucket.Decision decision = bucket.tryConsume();
		assertThat(decision.remaining()).isEqualTo(4);
		assertThat(decision.resetEpochSecond()).isGreaterThan(this.now.getEpochSecond());
	}

}
