package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.events.BackpressureOptions;
import io.github.redisstreamclient.events.CircuitBreakerOptions;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.EventStreamAdmin;
import io.github.redisstreamclient.events.EventStreamConsumer;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListenerAnnotationBeanPostProcessor;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configures event streams on the application's {@link RedisConnectionFactory}: an
 * {@link EventStreamPublisher}, the {@link EventStreamAdmin} and {@link DeadLetters} helpers, and a consumer for
 * each {@code @EventStreamListener} method, started and stopped with the application context.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redis-stream-client.events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisStreamEventsProperties.class)
public final class RedisStreamEventsAutoConfiguration {

	private static final String PREFIX = "redis-stream-client.events.";

	@Bean
	@ConditionalOnMissingBean
	EventStreamPublisher eventStreamPublisher(RedisConnectionFactory redisConnectionFactory,
			RedisStreamEventsProperties properties, ObjectProvider<EventStreamPublisherCustomizer> customizers) {
		validate(properties);
		RedisStreamEventsProperties.Publisher publisher = properties.getPublisher();
		EventStreamPublisher.Builder builder = EventStreamPublisher.builder(redisConnectionFactory)
			.prefix(properties.getPrefix())
			.maxLength(properties.getMaxLength())
			.retryPolicy(new RetryPolicy(publisher.getMaxRetries(), publisher.getInitialDelay(), publisher.getMaxDelay()))
			.circuitBreaker(new CircuitBreakerOptions(publisher.getFailureRateThreshold(),
					publisher.getMinimumNumberOfCalls(), publisher.getSlidingWindowSize(),
					publisher.getWaitDurationInOpenState()));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	EventStreamAdmin eventStreamAdmin(RedisConnectionFactory redisConnectionFactory,
			RedisStreamEventsProperties properties) {
		return EventStreamAdmin.of(redisConnectionFactory, properties.getPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters deadLetters(RedisConnectionFactory redisConnectionFactory, RedisStreamEventsProperties properties) {
		return DeadLetters.of(redisConnectionFactory, properties.getPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	static EventStreamListenerAnnotationBeanPostProcessor eventStreamListenerAnnotationBeanPostProcessor() {
		return new EventStreamListenerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	EventStreamListenerRegistry eventStreamListenerRegistry(EventStreamListenerAnnotationBeanPostProcessor endpoints,
			RedisConnectionFactory redisConnectionFactory, RedisStreamEventsProperties properties,
			Environment environment, ObjectProvider<EventStreamConsumerCustomizer> customizers) {
		validate(properties);
		return new EventStreamListenerRegistry(endpoints, (endpoint) -> {
			String group = defaultGroup(endpoint.group(), properties, environment, endpoint.description());
			RedisStreamEventsProperties.Consumer consumer = properties.getConsumer();
			RedisStreamEventsProperties.Backpressure backpressure = properties.getBackpressure();
			EventStreamConsumer.Builder builder = EventStreamConsumer
				.builder(redisConnectionFactory, group, endpoint.handler())
				.prefix(properties.getPrefix())
				.eventTypes(endpoint.eventTypes())
				.concurrency((endpoint.concurrency() > 0) ? endpoint.concurrency() : consumer.getConcurrency())
				.batchSize(consumer.getBatchSize())
				.blockTime(consumer.getBlockTime())
				.maxDeliveries(consumer.getMaxDeliveries())
				.retryBackoff(consumer.getRetryInitialDelay(), consumer.getRetryMaxDelay())
				.reclaimMinIdle(properties.getReclaim().getMinIdle())
				.reclaimInterval(properties.getReclaim().getInterval())
				.backpressure(new BackpressureOptions(backpressure.getMaxQueueSize(), backpressure.getStrategy(),
						backpressure.getWarningThreshold()));
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return builder.build();
		});
	}

	private static String defaultGroup(String annotated, RedisStreamEventsProperties properties,
			Environment environment, String listener) {
		String group = environment.resolvePlaceholders(annotated);
		if (group.isBlank()) {
			group = firstText(properties.getConsumer().getGroup(), environment.getProperty("spring.application.name"));
		}
		if (group == null) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "consumer.group", "",
					"@EventStreamListener " + listener + " names no group, and neither this property nor "
							+ "spring.application.name is set",
					"Set redis-stream-client.events.consumer.group (e.g. billing), or group = \"...\" on the annotation");
		}
		return group;
	}

	private static @Nullable String firstText(@Nullable String... candidates) {
		for (String candidate : candidates) {
			if (candidate != null && !candidate.isBlank()) {
				return candidate;
			}
		}
		return null;
	}

	private static void validate(RedisStreamEventsProperties properties) {
		if (properties.getPrefix() == null || properties.getPrefix().isBlank()) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "prefix", "", "it must not be empty",
					"Set redis-stream-client.events.prefix to a stream name prefix, e.g. events");
		}
		PropertyChecks.atLeast(PREFIX + "max-length", properties.getMaxLength(), 0, "10000 (0 keeps everything)");
		RedisStreamEventsProperties.Publisher publisher = properties.getPublisher();
		PropertyChecks.atLeast(PREFIX + "publisher.max-retries", publisher.getMaxRetries(), -1, "3 (-1: unlimited)");
		PropertyChecks.positive(PREFIX + "publisher.initial-delay", publisher.getInitialDelay(), "100ms");
		PropertyChecks.positive(PREFIX + "publisher.max-delay", publisher.getMaxDelay(), "2s");
		PropertyChecks.between(PREFIX + "publisher.failure-rate-threshold", publisher.getFailureRateThreshold(), 0,
				100, "50");
		PropertyChecks.atLeast(PREFIX + "publisher.minimum-number-of-calls", publisher.getMinimumNumberOfCalls(), 1,
				"5");
		PropertyChecks.atLeast(PREFIX + "publisher.sliding-window-size", publisher.getSlidingWindowSize(), 1, "10");
		PropertyChecks.positive(PREFIX + "publisher.wait-duration-in-open-state",
				publisher.getWaitDurationInOpenState(), "10s");
		RedisStreamEventsProperties.Consumer consumer = properties.getConsumer();
		PropertyChecks.atLeast(PREFIX + "consumer.concurrency", consumer.getConcurrency(), 1, "4");
		PropertyChecks.atLeast(PREFIX + "consumer.batch-size", consumer.getBatchSize(), 1, "10");
		PropertyChecks.positive(PREFIX + "consumer.block-time", consumer.getBlockTime(), "1s");
		PropertyChecks.atLeast(PREFIX + "consumer.max-deliveries", consumer.getMaxDeliveries(), 1, "5");
		PropertyChecks.positive(PREFIX + "consumer.retry-initial-delay", consumer.getRetryInitialDelay(), "100ms");
		PropertyChecks.positive(PREFIX + "consumer.retry-max-delay", consumer.getRetryMaxDelay(), "5s");
		PropertyChecks.positive(PREFIX + "reclaim.min-idle", properties.getReclaim().getMinIdle(), "30s");
		PropertyChecks.positive(PREFIX + "reclaim.interval", properties.getReclaim().getInterval(), "30s");
		PropertyChecks.atLeast(PREFIX + "backpressure.max-queue-size", properties.getBackpressure().getMaxQueueSize(),
				1, "1000");
		PropertyChecks.between(PREFIX + "backpressure.warning-threshold",
				properties.getBackpressure().getWarningThreshold(), 0, 1, "0.8");
	}

}
