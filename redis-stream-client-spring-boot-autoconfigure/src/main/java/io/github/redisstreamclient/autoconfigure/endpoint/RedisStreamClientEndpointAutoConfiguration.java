package io.github.redisstreamclient.autoconfigure.endpoint;

import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator endpoint {@code redisstreams} for the auto-configured client.
 */
@AutoConfiguration(after = RedisStreamClientAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
public final class RedisStreamClientEndpointAutoConfiguration {

	// Nested so that Actuator's own condition is read only once Actuator is known to be present.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RecoverableStreamClient.class)
	@ConditionalOnAvailableEndpoint(RedisStreamsEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisStreamsEndpoint redisStreamsEndpoint(RecoverableStreamClient client) {
			return new RedisStreamsEndpoint(client);
		}

	}

}
