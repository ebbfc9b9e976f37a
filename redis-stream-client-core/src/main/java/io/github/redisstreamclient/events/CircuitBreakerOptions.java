package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.Objects;

/**
 * When the {@link EventStreamPublisher}'s circuit breaker opens and for how long. It counts XADD calls in a
 * sliding window of the last {@code slidingWindowSize} calls and opens once at least {@code minimumNumberOfCalls}
 * were made and the failure rate reaches {@code failureRateThreshold}. While open, publishing fails at once without
 * calling Redis. After {@code waitDurationInOpenState} the next publish finds it half open: it lets
 * {@code minimumNumberOfCalls} calls (at most {@code slidingWindowSize}) through and closes again if they succeed
 * well enough.
 *
 * @param failureRateThreshold failure percentage, above 0 and at most 100, at which the breaker opens
 * @param minimumNumberOfCalls calls needed before the failure rate counts, and test calls when half open
 * @param slidingWindowSize calls the failure rate is computed over
 * @param waitDurationInOpenState how long the breaker stays open before letting test calls through
 */
public record CircuitBreakerOptions(float failureRateThreshold, int minimumNumberOfCalls, int slidingWindowSize,
		Duration waitDurationInOpenState) {

	/** Failure rate that opens the breaker: 50%. */
	public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;

	/** Calls before the failure rate counts: 5. */
	public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 5;

	/** Calls the failure rate is computed over: 10. */
	public static final int DEFAULT_SLIDING_WINDOW_SIZE = 10;

	/** Time the breaker stays open: 10 s. */
	public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(10);

	public CircuitBreakerOptions {
		Objects.requireNonNull(waitDurationInOpenState, "circuitBreaker.waitDurationInOpenState must not be null");
		if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
			throw new IllegalArgumentException(
					"circuitBreaker.failureRateThreshold must be above 0 and at most 100, but was " + failureRateThreshold);
		}
		if (minimumNumberOfCalls < 1) {
			throw new IllegalArgumentException(
					"circuitBreaker.minimumNumberOfCalls must be at least 1, but was " + minimumNumberOfCalls);
		}
		if (slidingWindowSize < 1) {
			throw new IllegalArgumentException(
					"circuitBreaker.slidingWindowSize must be at least 1, but was " + slidingWindowSize);
		}
		if (waitDurationInOpenState.isNegative() || waitDurationInOpenState.isZero()) {
			throw new IllegalArgumentException(
					"circuitBreaker.waitDurationInOpenState must be positive, but was " + waitDurationInOpenState);
		}
	}

	/** Opens at 50% failures over the last 10 calls (at least 5), stays open 10 s. */
	public static CircuitBreakerOptions defaults() {
		return new CircuitBreakerOptions(DEFAULT_FAILURE_RATE_THRESHOLD, DEFAULT_MINIMUM_NUMBER_OF_CALLS,
				DEFAULT_SLIDING_WINDOW_SIZE, DEFAULT_WAIT_DURATION_IN_OPEN_STATE);
	}

}
