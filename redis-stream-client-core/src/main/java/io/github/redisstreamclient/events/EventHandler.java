package io.github.redisstreamclient.events;

/**
 * Processes one event. Returning acknowledges it; throwing leaves it unacknowledged, so it is delivered again after
 * a backoff, and moved to the dead-letter stream when the delivery that fails is the {@code maxDeliveries}th.
 * <p>
 * Called from the consumer's worker threads, at the same time for different events when {@code concurrency} is
 * above 1.
 */
@FunctionalInterface
public interface EventHandler {

	void handle(ReceivedEvent event) throws Exception;

}
