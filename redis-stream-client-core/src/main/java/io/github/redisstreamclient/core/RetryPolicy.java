package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Load Balancer Stream reader retries after Redis errors: exponential backoff from {@code initialDelay},
 * doubling up to {@code maxDelay}; the failure count resets once Redis answers again. When the retries are used up
 * the client reports {@link StreamNotification.Type#STREAM_TERMINATED}.
 *
 * @param maxRetries retries before giving up: {@code -1} for unlimited (recommended in production), {@code 0} to
 * give up at the first error
 * @param initialDelay pause after the first error
 * @param maxDelay longest pause between two attempts
 */
public record RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay) {

	/** Retries of the Go client's default: 5. */
	public static final int DEFAULT_MAX_RETRIES = 5;

	/** First pause of the Go client's default: 100 ms. */
	public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(100);

	/** Longest pause of the Go client's default: 30 s. */
	public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

	public RetryPolicy {
		Objects.requireNonNull(initialDelay, "retryPolicy.initialDelay must not be null");
		Objects.requireNonNull(maxDelay, "retryPolicy.maxDelay must not be null");
		if (maxRetries < -1) {
			throw new InvalidOptionException("retryPolicy.maxRetries", maxRetries,
					"retryPolicy.maxRetries must be -1 (unlimited), 0 or positive, but was " + maxRetries,
					"-1 (recommended in production)");
		}
		if (initialDelay.isNegative() || initialDelay.isZero()) {
			throw new InvalidOptionException("retryPolicy.initialDelay", initialDelay,
					"retryPolicy.initialDelay must be positive, but was " + InvalidOptionException.format(initialDelay),
					"100ms");
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new InvalidOptionException("retryPolicy.maxDelay", maxDelay,
					"retryPolicy.maxDelay (" + InvalidOptionException.format(maxDelay)
							+ ") must not be shorter than retryPolicy.initialDelay ("
							+ InvalidOptionException.format(initialDelay) + ")",
					InvalidOptionException.format(initialDelay.multipliedBy(10)));
		}
	}

	/** The Go client's default: 5 retries, 100 ms doubling up to 30 s. */
	public static RetryPolicy defaults() {
		return new RetryPolicy(DEFAULT_MAX_RETRIES, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY);
	}

	/** Retry for ever, 100 ms doubling up to 30 s. */
	public static RetryPolicy unlimited() {
		return new RetryPolicy(-1, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY);
	}

	/** Whether another attempt is allowed after {@code failures} consecutive failures. */
	public boolean allowsRetry(int failures) {
		return maxRetries == -1 || failures <= maxRetries;
	}

	/** Pause before the attempt that follows {@code failures} consecutive failures (1 = the first failure). */
	public Duration delayAfter(int failures) {
		int doublings = Math.min(Math.max(failures - 1, 0), 30);
		long millis = initialDelay.toMillis() << doublings;
		return (millis <= 0 || millis > maxDelay.toMillis()) ? maxDelay : Duration.ofMillis(millis);
	}

}
