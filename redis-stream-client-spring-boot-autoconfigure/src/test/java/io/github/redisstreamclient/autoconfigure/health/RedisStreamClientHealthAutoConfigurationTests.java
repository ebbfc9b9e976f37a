package io.github.redisstreamclient.autoconfigure.health;

import java.util.UUID;

import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class RedisStreamClientHealthAutoConfigurationTests {

	private static RedisServer redis;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisStreamClientAutoConfiguration.class, RedisStreamClientHealthAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port(),
				"redis-stream-client.service-name=svc-" + UUID.randomUUID(), "redis-stream-client.consumer-id=pod-h");

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void reportsUpWithConsumerDetailsWhileRunning() {
		this.runner.run((context) -> {
			Health health = context.getBean("redisStreamClientHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("consumerId", "redis-consumer-pod-h")
				.containsEntry("ownedStreams", 0)
				.containsEntry("expiryDetection", "notifications+sweep")
				.containsKey("lastRenewalAge");
		});
	}

	@Test
	void reportsDownOnceTheClientStopped() {
		this.runner.run((context) -> {
			context.getBean(RecoverableStreamClient.class).close();
			Health health = context.getBean("redisStreamClientHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("reason", "client not running");
		});
	}

	@Test
	void canBeDisabledAndIsAbsentWithoutTheHealthModule() {
		this.runner.withPropertyValues("management.health.redisStreamClient.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("redisStreamClientHealthIndicator"));
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasSingleBean(RecoverableStreamClient.class)
				.doesNotHaveBean("redisStreamClientHealthIndicator"));
	}

}
