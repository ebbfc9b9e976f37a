package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.events.EventStreamConsumer;

/**
 * Callback to change the builder of each {@code @EventStreamListener} consumer after the properties were applied.
 */
@FunctionalInterface
public interface EventStreamConsumerCustomizer {

	/**
	 * Customizes one consumer's builder.
	 * @param builder the builder, with the properties applied
	 */
	void customize(EventStreamConsumer.Builder builder);

}
