package io.github.redisstreamclient.core.internal;

import java.util.function.Supplier;

/**
 * What the client measures. {@link #NOOP} where no meter registry was given, so the core runs without Micrometer.
 */
interface ClientMetrics {

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

	/** Session renewals: {@code outcome} is {@code renewed}, {@code restarted} (the session had lapsed) or {@code failed}. */
	default void renewals(String outcome, int count) {
	}

	default void renewalLatency(long nanos) {
	}

	default void disowned() {
	}

	/**
	 * A gone consumer or released streams were noticed: {@code source} is {@code notification}, {@code sweep},
	 * {@code handoff} or {@code release}.
	 */
	default void expirationDetected(String source) {
	}

	/** From the moment a gone consumer or a release was noticed to the moment this consumer holds the stream. */
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

	/** Whether anything is measured: the backlog is only read from Redis when it is. */
	default boolean enabled() {
		return false;
	}

	/** The group's backlog on the LBS, read from a cache that {@link LbsBacklog#refresh()} fills. */
	default void backlog(LbsBacklog backlog) {
	}

	/** A stream finished: from the moment this consumer held it (assigned or claimed) to its done(). */
	default void processed(long millis) {
	}

}
