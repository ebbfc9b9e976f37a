package io.github.redisstreamclient.autoconfigure;

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
	EventStreamPublisherConfigurer eventStreamPublisherConfigurer(RedisStreamEventsProperties properties,
			ObjectProvider<EventStreamPublisherCustomizer> customizers) {
		return new EventStreamPublisherConfigurer(properties, customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	EventStreamConsumerConfigurer eventStreamConsumerConfigurer(RedisStreamEventsProperties properties,
			ObjectProvider<EventStreamConsumerCustomizer> customizers) {
		return new EventStreamConsumerConfigurer(properties, customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	EventStreamPublisher eventStreamPublisher(RedisConnectionFactory redisConnectionFactory,
			EventStreamPublisherConfigurer configurer) {
		// The core checks the options; InvalidOptionFailureAnalyzer names the property of one it rejects.
		return configurer.configure(EventStreamPublisher.builder(redisConnectionFactory)).build();
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
			Environment environment, EventStreamConsumerConfigurer configurer) {
		return new EventStreamListenerRegistry(endpoints, (endpoint) -> {
			String group = defaultGroup(endpoint.group(), properties, environment, endpoint.description());
			EventStreamConsumer.Builder builder = configurer
				.configure(EventStreamConsumer.builder(redisConnectionFactory, group, endpoint.handler()))
				.eventTypes(endpoint.eventTypes());
			if (endpoint.concurrency() > 0) { // the annotation is the most specific: over properties and customizers
				builder.concurrency(endpoint.concurrency());
			}
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

}
