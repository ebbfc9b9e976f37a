package io.github.redisstreamclient.test;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@code redis-server} of its own for a Spring Boot application at development or test time: started with the
 * application context on a free port (the binary on the {@code PATH}, else the one shipped in embedded-redis), killed
 * with it, and connected through {@link RedisServerConnectionDetails}. For tests, {@link ImportRedisServer}; for
 * running an application locally, {@code SpringApplication.from(MyApplication::main).with(RedisServerConfiguration.class)}
 * in a test-scope main class, started with {@code spring-boot:test-run}.
 */
@Configuration(proxyBeanMethods = false)
public class RedisServerConfiguration {

	@Bean(destroyMethod = "close")
	RedisServer redisServer() {
		return RedisServer.start();
	}

	@Bean
	DataRedisConnectionDetails redisServerConnectionDetails(RedisServer redisServer) {
		return new RedisServerConnectionDetails(redisServer);
	}

}
