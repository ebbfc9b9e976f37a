package io.github.redisstreamclient.autoconfigure.health;

import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health indicator {@code redisStreamEvents} for the auto-configured event listeners, publisher and dead letters.
 */
@AutoConfiguration(after = RedisStreamEventsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public final class RedisStreamEventsHealthAutoConfiguration {

	// Nested so that the health module's own condition is read only once the module is known to be present.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean({ EventStreamListenerRegistry.class, DeadLetters.class })
	@ConditionalOnEnabledHealthIndicator("redisStreamEvents")
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "redisStreamEventsHealthIndicator")
		RedisStreamEventsHealthIndicator redisStreamEventsHealthIndicator(EventStreamListenerRegistry registry,
				ObjectProvider<EventStreamPublisher> publisher, DeadLetters deadLetters) {
			return new RedisStreamEventsHealthIndicator(registry, publisher.getIfUnique(), deadLetters);
		}

	}

}
