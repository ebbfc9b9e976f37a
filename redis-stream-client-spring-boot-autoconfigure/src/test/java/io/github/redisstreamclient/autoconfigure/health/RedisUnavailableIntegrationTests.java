package io.github.redisstreamclient.autoconfigure.health;

import java.time.Duration;
import java.util.UUID;

import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an application sees when its Redis goes away: health turns DOWN within about a lease TTL whether or not it
 * holds streams, and shutting down does not wait for Redis longer than one command timeout.
 */
class RedisUnavailableIntegrationTests {

	private ApplicationContextRunner runner(RedisServer redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamClientAutoConfiguration.class, RedisStreamClientHealthAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.data.redis.timeout=2s",
					"redis-stream-client.service-name=svc-" + UUID.randomUUID(), "redis-stream-client.consumer-id=pod-d",
					"redis-stream-client.lease-ttl=1s", "redis-stream-client.lbs-idle-time=3s");
	}

	@Test
	void healthTurnsDownOnceRedisIsGoneLongerThanTheLeaseTtlAlthoughNoStreamIsHeld() {
		try (RedisServer redis = RedisServer.start()) {
			runner(redis).run((context) -> {
				HealthIndicator indicator = context.getBean("redisStreamClientHealthIndicator", HealthIndicator.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> indicator.health().getDetails().containsKey("lastReadAge"));
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				assertThat(indicator.health().getDetails()).containsEntry("readFailuresInARow", 0);

				redis.kill();
				long killedAt = System.nanoTime();

				await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus() == Status.DOWN);
				Duration down = Duration.ofNanos(System.nanoTime() - killedAt);
				System.out.println("Health DOWN " + down.toMillis() + " ms after Redis was killed (lease TTL 1 s)");
				assertThat(down).isLessThan(Duration.ofSeconds(3));
				Health health = indicator.health();
				assertThat(health.getDetails()).containsKeys("lastReadAge", "lastRenewalAge", "reason");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> (Integer) indicator.health().getDetails().get("readFailuresInARow") > 0);
			});
		}
	}

	@Test
	void shuttingDownWithRedisGoneTakesAtMostAboutOneCommandTimeout() {
		try (RedisServer redis = RedisServer.start()) {
			runner(redis).run((context) -> {
				RecoverableStreamClient client = context.getBean(RecoverableStreamClient.class);
				LoadBalancerStream lbs = LoadBalancerStream.of(context.getBean(RedisConnectionFactory.class),
						client.serviceName());
				for (int i = 1; i <= 3; i++) {
					lbs.add("stream-" + i);
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> client.ownedStreams().size() == 3);

				redis.kill();
				long start = System.nanoTime();
				context.close();
				Duration closing = Duration.ofNanos(System.nanoTime() - start);
				System.out.println("Context closed in " + closing.toMillis() + " ms with Redis gone (timeout 2 s)");
				assertThat(closing).isLessThan(Duration.ofMillis(3000));
			});
		}
	}

}
