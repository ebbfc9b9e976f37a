package io.github.redisstreamclient.events;

/**
 * A snapshot of the circuit breaker of an {@link EventStreamPublisher}.
 *
 * @param state {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
 * @param failedCalls failed XADD calls in the current sliding window (reset when the state changes)
 * @param successfulCalls successful XADD calls in the current sliding window (reset when the state changes)
 * @param rejectedCalls publish attempts refused without calling Redis since the publisher was built
 * @param failureRate failure percentage of the current window, or {@code -1} until it holds
 * {@code minimumNumberOfCalls} calls
 */
public record CircuitBreakerStats(String state, long failedCalls, long successfulCalls, long rejectedCalls,
		float failureRate) {

}
