package io.github.redisstreamclient.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryPolicyTests {

	@Test
	void delaysDoubleFromTheInitialDelayUpToTheMaximum() {
		RetryPolicy policy = new RetryPolicy(-1, Duration.ofMillis(100), Duration.ofMillis(700));

		assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofMillis(400));
		assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofMillis(700));
		assertThat(policy.delayAfter(1000)).isEqualTo(Duration.ofMillis(700));
	}

	@Test
	void maxRetriesFollowsTheGoClient() {
		assertThat(new RetryPolicy(-1, Duration.ofMillis(1), Duration.ofMillis(1)).allowsRetry(1_000_000)).isTrue();
		RetryPolicy none = new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1));
		assertThat(none.allowsRetry(1)).isFalse();
		RetryPolicy three = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1));
		assertThat(three.allowsRetry(3)).isTrue();
		assertThat(three.allowsRetry(4)).isFalse();
	}

	@Test
	void defaultsAreTheGoClientDefaults() {
		assertThat(RetryPolicy.defaults())
			.isEqualTo(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(30)));
	}

	@Test
	void invalidValuesNameTheOption() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(-2, Duration.ofMillis(1), Duration.ofMillis(1)))
			.withMessageContaining("retryPolicy.maxRetries");
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ofMillis(1)))
			.withMessageContaining("retryPolicy.initialDelay");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
			.withMessageContaining("retryPolicy.maxDelay");
	}

}
