package io.github.redisstreamclient.events;

/**
 * What an {@link EventStreamConsumer} does with a newly read entry when its in-flight queue is full.
 */
public enum BackpressureStrategy {

	/** Stop reading until there is room: unread entries wait in Redis, where other consumers may take them. */
	BLOCK,

	/** Drop the oldest queued entry to make room; it is acknowledged, so it is gone for good. */
	DROP_OLDEST,

	/** Drop the incoming entry; it is acknowledged, so it is gone for good. */
	DROP_NEWEST

}
