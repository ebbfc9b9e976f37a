package io.github.redisstreamclient.autoconfigure.observation;

import io.github.redisstreamclient.autoconfigure.EventStreamConsumerCustomizer;
import io.github.redisstreamclient.autoconfigure.EventStreamPublisherCustomizer;
import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.observation.EventProcessObservationConvention;
import io.github.redisstreamclient.observation.EventPublishObservationConvention;
import io.github.redisstreamclient.observation.StreamHandlerObservationConvention;
import io.github.redisstreamclient.spring.StreamEventListenerFactory;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Observes stream handler calls, event publishes and event handler calls with the application's
 * {@link ObservationRegistry}, and with the application's {@link StreamHandlerObservationConvention},
 * {@link EventPublishObservationConvention} and {@link EventProcessObservationConvention} beans when it defines
 * them. With Micrometer Tracing behind the registry, the trace context travels in the events' metadata. Without a
 * registry nothing is observed.
 */
@AutoConfiguration(before = { RedisStreamClientAutoConfiguration.class, RedisStreamEventsAutoConfiguration.class },
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
public final class RedisStreamClientObservationAutoConfiguration {

	@Bean
	EventStreamPublisherCustomizer eventStreamPublisherObservationCustomizer(
			ObjectProvider<ObservationRegistry> registry, ObjectProvider<EventPublishObservationConvention> convention) {
		return (builder) -> registry.ifUnique((observations) -> {
			builder.observationRegistry(observations);
			convention.ifUnique(builder::observationConvention);
		});
	}

	@Bean
	EventStreamConsumerCustomizer eventStreamConsumerObservationCustomizer(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<EventProcessObservationConvention> convention) {
		return (builder) -> registry.ifUnique((observations) -> {
			builder.observationRegistry(observations);
			convention.ifUnique(builder::observationConvention);
		});
	}

	/**
	 * Takes the place of the plain factory of {@link RedisStreamClientAutoConfiguration}, under its conditions.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	@ConditionalOnBooleanProperty(name = "redis-stream-client.enabled", matchIfMissing = true)
	static final class StreamHandlerObservationConfiguration {

		// Static and lazy: the factory is created with the post-processors, long before the registry may be.
		@Bean
		@ConditionalOnMissingBean
		static StreamEventListenerFactory streamEventListenerFactory(ObjectProvider<ObservationRegistry> registry,
				ObjectProvider<StreamHandlerObservationConvention> convention) {
			return new StreamEventListenerFactory(() -> registry.getIfUnique(() -> ObservationRegistry.NOOP),
					convention::getIfUnique);
		}

	}

}
