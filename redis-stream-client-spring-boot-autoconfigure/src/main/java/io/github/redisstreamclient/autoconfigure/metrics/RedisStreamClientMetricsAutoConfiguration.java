package io.github.redisstreamclient.autoconfigure.metrics;

import io.github.redisstreamclient.autoconfigure.EventStreamConsumerCustomizer;
import io.github.redisstreamclient.autoconfigure.EventStreamPublisherCustomizer;
import io.github.redisstreamclient.autoconfigure.RecoverableStreamClientBuilderCustomizer;
import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.spring.StreamEventListenerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Publishes the meters of the client ({@code redis.stream.client.*}), of its handlers, and of the event stream
 * publisher and consumers ({@code redis.stream.client.events.*}) to the application's {@link MeterRegistry}.
 */
@AutoConfiguration(before = RedisStreamClientAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
public final class RedisStreamClientMetricsAutoConfiguration {

	@Bean
	RecoverableStreamClientBuilderCustomizer redisStreamClientMetricsCustomizer(ObjectProvider<MeterRegistry> registry,
			ObjectProvider<StreamEventListenerFactory> listenerFactory) {
		return (builder) -> registry.ifAvailable((meters) -> {
			builder.meterRegistry(meters);
			listenerFactory.ifAvailable((factory) -> FunctionCounter
				.builder("redis.stream.client.handler.errors", factory, StreamEventListenerFactory::failures)
				.description("Invocations of @StreamAdded/@StreamExpired/... handlers that threw")
				.register(meters));
		});
	}

	@Bean
	EventStreamPublisherCustomizer eventStreamPublisherMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
		return (builder) -> registry.ifAvailable(builder::meterRegistry);
	}

	@Bean
	EventStreamConsumerCustomizer eventStreamConsumerMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
		return (builder) -> registry.ifAvailable(builder::meterRegistry);
	}

}
