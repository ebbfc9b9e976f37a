package io.github.redisstreamclient.autoconfigure;

import java.util.List;

import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.events.CircuitBreakerOptions;
import io.github.redisstreamclient.events.EventStreamPublisher;

/**
 * Applies the {@code redis-stream-client.events.*} properties of publishing and the
 * {@link EventStreamPublisherCustomizer}s to a publisher builder: what the auto-configured publisher gets, for an
 * application that defines its own.
 * <pre class="code">
 * &#64;Bean
 * EventStreamPublisher eventStreamPublisher(EventStreamPublisherConfigurer configurer, RedisConnectionFactory redis) {
 *     return configurer.configure(EventStreamPublisher.builder(redis)).build();
 * }
 * </pre>
 */
public final class EventStreamPublisherConfigurer {

	private final RedisStreamEventsProperties properties;

	private final List<EventStreamPublisherCustomizer> customizers;

	EventStreamPublisherConfigurer(RedisStreamEventsProperties properties,
			List<EventStreamPublisherCustomizer> customizers) {
		this.properties = properties;
		this.customizers = customizers;
	}

	/**
	 * Applies the properties, then the customizers.
	 * @param builder a builder, e.g. {@code EventStreamPublisher.builder(redis)}
	 * @return the same builder
	 */
	public EventStreamPublisher.Builder configure(EventStreamPublisher.Builder builder) {
		RedisStreamEventsProperties.Publisher publisher = this.properties.getPublisher();
		builder.prefix(this.properties.getPrefix()).maxLength(this.properties.getMaxLength());
		builder.retryPolicy(OptionProperties.mapping(OptionProperties.PUBLISHER_RETRY,
				() -> new RetryPolicy(publisher.getMaxRetries(), publisher.getInitialDelay(), publisher.getMaxDelay())));
		builder.circuitBreaker(OptionProperties.mapping(OptionProperties.ALL,
				() -> new CircuitBreakerOptions(publisher.getFailureRateThreshold(),
						publisher.getMinimumNumberOfCalls(), publisher.getSlidingWindowSize(),
						publisher.getWaitDurationInOpenState())));
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

}
