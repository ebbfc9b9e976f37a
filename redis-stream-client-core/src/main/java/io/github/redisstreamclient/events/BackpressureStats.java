package io.github.redisstreamclient.events;

/**
 * A snapshot of an {@link EventStreamConsumer}'s in-flight queue.
 *
 * @param queueSize entries waiting for a worker now
 * @param maxQueueSize capacity of the queue
 * @param dropped entries dropped by {@link BackpressureStrategy#DROP_OLDEST} or
 * {@link BackpressureStrategy#DROP_NEWEST} since the consumer was built
 * @param fillRatio {@code queueSize / maxQueueSize}, from 0 to 1
 */
public record BackpressureStats(int queueSize, int maxQueueSize, long dropped, double fillRatio) {

}
