package io.github.redisstreamclient.events;

import java.util.Objects;

import io.github.redisstreamclient.core.InvalidOptionException;

/**
 * The in-flight queue between the reader and the worker threads of an {@link EventStreamConsumer}.
 *
 * @param maxQueueSize entries read but not yet handed to a worker
 * @param strategy what to do with a new entry when the queue is full
 * @param warningThreshold fill ratio, above 0 and at most 1, at which a warning is logged each time it is crossed
 * upwards
 */
public record BackpressureOptions(int maxQueueSize, BackpressureStrategy strategy, double warningThreshold) {

	/** Queue size of the Rust transport: 1000. */
	public static final int DEFAULT_MAX_QUEUE_SIZE = 1000;

	/** Warning threshold of the Rust transport: 0.8. */
	public static final double DEFAULT_WARNING_THRESHOLD = 0.8;

	public BackpressureOptions {
		Objects.requireNonNull(strategy, "backpressure.strategy must not be null");
		if (maxQueueSize < 1) {
			throw new InvalidOptionException("backpressure.maxQueueSize", maxQueueSize,
					"backpressure.maxQueueSize must be at least 1, but was " + maxQueueSize, "1000");
		}
		if (!(warningThreshold > 0 && warningThreshold <= 1)) {
			throw new InvalidOptionException("backpressure.warningThreshold", warningThreshold,
					"backpressure.warningThreshold must be above 0 and at most 1, but was " + warningThreshold, "0.8");
		}
	}

	/** 1000 entries, {@link BackpressureStrategy#BLOCK}, warning at 80%: nothing is ever dropped. */
	public static BackpressureOptions defaults() {
		return new BackpressureOptions(DEFAULT_MAX_QUEUE_SIZE, BackpressureStrategy.BLOCK, DEFAULT_WARNING_THRESHOLD);
	}

}
