package io.github.redisstreamclient.autoconfigure.health;

import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.core.RecoverableStreamClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health indicator {@code redisStreamClient} for the auto-configured client.
 */
@AutoConfiguration(after = RedisStreamClientAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public final class RedisStreamClientHealthAutoConfiguration {

	// Nested so that the health module's own condition is read only once the module is known to be present.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RecoverableStreamClient.class)
	@ConditionalOnEnabledHealthIndicator("redisStreamClient")
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "redisStreamClientHealthIndicator")
		RedisStreamClientHealthIndicator redisStreamClientHealthIndicator(RecoverableStreamClient client) {
			return new RedisStreamClientHealthIndicator(client);
		}

	}

}
