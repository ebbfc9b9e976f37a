package io.github.redisstreamclient.autoconfigure;

import java.util.List;

import io.github.redisstreamclient.events.BackpressureOptions;
import io.github.redisstreamclient.events.EventStreamConsumer;

/**
 * Applies the {@code redis-stream-client.events.*} properties of consuming and the
 * {@link EventStreamConsumerCustomizer}s to a consumer builder: what the consumer of each {@code @EventStreamListener}
 * method gets, for an application that builds a consumer of its own.
 * <pre class="code">
 * EventStreamConsumer consumer = configurer.configure(EventStreamConsumer.builder(redis, "billing", handler))
 *     .eventTypes(List.of("order.created"))
 *     .build();
 * </pre>
 */
public final class EventStreamConsumerConfigurer {

	private final RedisStreamEventsProperties properties;

	private final List<EventStreamConsumerCustomizer> customizers;

	EventStreamConsumerConfigurer(RedisStreamEventsProperties properties,
			List<EventStreamConsumerCustomizer> customizers) {
		this.properties = properties;
		this.customizers = customizers;
	}

	/**
	 * Applies the properties, then the customizers.
	 * @param builder a builder, e.g. {@code EventStreamConsumer.builder(redis, group, handler)}
	 * @return the same builder
	 */
	public EventStreamConsumer.Builder configure(EventStreamConsumer.Builder builder) {
		RedisStreamEventsProperties.Consumer consumer = this.properties.getConsumer();
		RedisStreamEventsProperties.Backpressure backpressure = this.properties.getBackpressure();
		builder.prefix(this.properties.getPrefix())
			.concurrency(consumer.getConcurrency())
			.batchSize(consumer.getBatchSize())
			.blockTime(consumer.getBlockTime())
			.maxDeliveries(consumer.getMaxDeliveries())
			.retryBackoff(consumer.getRetryInitialDelay(), consumer.getRetryMaxDelay())
			.reclaimMinIdle(this.properties.getReclaim().getMinIdle())
			.reclaimInterval(this.properties.getReclaim().getInterval())
			.backpressure(OptionProperties.mapping(OptionProperties.ALL,
					() -> new BackpressureOptions(backpressure.getMaxQueueSize(), backpressure.getStrategy(),
							backpressure.getWarningThreshold())));
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

}
