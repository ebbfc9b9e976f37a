package io.github.redisstreamclient.autoconfigure.endpoint;

import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.autoconfigure.RedisStreamEventsProperties;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator endpoint {@code redisstreamevents} for the auto-configured event listeners, publisher and dead letters.
 */
@AutoConfiguration(after = RedisStreamEventsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
public final class RedisStreamEventsEndpointAutoConfiguration {

	// Nested so that Actuator's own condition is read only once Actuator is known to be present.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean({ EventStreamListenerRegistry.class, DeadLetters.class, RedisStreamEventsProperties.class })
	@ConditionalOnAvailableEndpoint(RedisStreamEventsEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisStreamEventsEndpoint redisStreamEventsEndpoint(EventStreamListenerRegistry registry,
				ObjectProvider<EventStreamPublisher> publisher, DeadLetters deadLetters,
				RedisStreamEventsProperties properties) {
			return new RedisStreamEventsEndpoint(registry, publisher.getIfUnique(), deadLetters,
					properties.getEndpoint().isReplayEnabled());
		}

	}

}
