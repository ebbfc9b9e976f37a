package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.Objects;

import io.github.redisstreamclient.core.InvalidOptionException;

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
			throw new InvalidOptionException("circuitBreaker.failureRateThreshold", failureRateThreshold,
					"circuitBreaker.failureRateThreshold must be above 0 and at most 100, but was " + failureRateThreshold, "50");
		}
		if (minimumNumberOfCalls < 1) {
			throw new InvalidOptionException("circuitBreaker.minimumNumberOfCalls", minimumNumberOfCalls,
					"circuitBreaker.minimumNumberOfCalls must be at least 1, but was " + minimumNumberOfCalls, "5");
		}
		if (slidingWindowSize < 1) {
			throw new InvalidOptionException("circuitBreaker.slidingWindowSize", slidingWindowSize,
					"circuitBreaker.slidingWindowSize must be at least 1, but was " + slidingWindowSize, "10");
		}
		if (waitDurationInOpenState.isNegative() || waitDurationInOpenState.isZero()) {
			throw new InvalidOptionException("circuitBreaker.waitDurationInOpenState", waitDurationInOpenState,
					"circuitBreaker.waitDurationInOpenState must be positive, but was "
							+ InvalidOptionException.format(waitDurationInOpenState), "10s");
		}
	}

	/** Opens at 50% failures over the last 10 calls (at least 5), stays open 10 s. */
	public static CircuitBreakerOptions defaults() {
		return new CircuitBreakerOptions(DEFAULT_FAILURE_RATE_THRESHOLD, DEFAULT_MINIMUM_NUMBER_OF_CALLS,
				DEFAULT_SLIDING_WINDOW_SIZE, DEFAULT_WAIT_DURATION_IN_OPEN_STATE);
	}

}
