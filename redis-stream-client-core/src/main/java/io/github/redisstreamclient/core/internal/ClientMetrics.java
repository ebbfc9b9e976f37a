package io.github.redisstreamclient.core.internal;

import java.util.function.Supplier;

/**
 * What the client measures. {@link #NOOP} where no meter registry was given, so the core runs without Micrometer.
 */
public interface ClientMetrics {

	/** Measures nothing. */
	ClientMetrics NOOP = new ClientMetrics() {
	};

	default void ownedStreams(Supplier<Number> count) {
	}

	default void assigned() {
	}

	/** A claim attempt: {@code outcome} is {@code won}, {@code lost} (someone holds it) or {@code finished}. */
	default void claim(String outcome, int count) {
	}

	/** Lease renewals: {@code outcome} is {@code renewed}, {@code resumed}, {@code lost} or {@code failed}. */
	default void renewals(String outcome, int count) {
	}

	default void renewalLatency(long nanos) {
	}

	default void disowned() {
	}

	/** An expired lease was noticed: {@code source} is {@code notification}, {@code sweep} or {@code handoff}. */
	default void expirationDetected(String source) {
	}

	/** From the moment an expired or handed-off lease was noticed to the moment this consumer holds it. */
	default void failoverLatency(long nanos) {
	}

	default void recovery(long nanos) {
	}

	default void deadLettered() {
	}

	default void notificationDropped() {
	}

	default void listenerFailed() {
	}

}
