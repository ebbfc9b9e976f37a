package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.events.EventStreamPublisher;

/**
 * Callback to change the auto-configured publisher's builder after the properties were applied.
 */
@FunctionalInterface
public interface EventStreamPublisherCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder, with the properties applied
	 */
	void customize(EventStreamPublisher.Builder builder);

}
