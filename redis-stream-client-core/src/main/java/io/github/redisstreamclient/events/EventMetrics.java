package io.github.redisstreamclient.events;

import java.util.concurrent.atomic.LongAdder;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * What publishers and consumers measure. {@link #NOOP} where no meter registry was given, so that the events run
 * without Micrometer on the class path.
 */
interface EventMetrics {

	/** Measures nothing. */
	EventMetrics NOOP = new EventMetrics() {
	};

	/** Outcomes of a consumed delivery. */
	String ACKED = "acked";

	String RETRIED = "retried";

	String DEAD_LETTERED = "dead.lettered";

	String DROPPED = "dropped";

	default void published(String type) {
	}

	/** A delivery ended: {@code outcome} is one of {@link #ACKED}, {@link #RETRIED}, {@link #DEAD_LETTERED}, {@link #DROPPED}. */
	default void consumed(String type, String outcome) {
	}

	default void handlerLatency(String type, long nanos) {
	}

	default void queue(DeliveryQueue queue) {
	}

	default void circuitBreaker(CircuitBreaker breaker, LongAdder rejected) {
	}

	/** The group's backlog per event type, read from a cache that {@link EventBacklog#refresh()} fills. */
	default void backlog(EventBacklog backlog) {
	}

}
