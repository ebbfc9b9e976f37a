package io.github.redisstreamclient.autoconfigure.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.events.EventPublishException;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListener;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Health indicator {@code redisStreamEvents} against a real Redis.
 */
@RedisTest
class RedisStreamEventsHealthAutoConfigurationTests {

	private final RedisServer redis;

	private final String prefix = "ev-" + UUID.randomUUID();

	private final ApplicationContextRunner runner;

	RedisStreamEventsHealthAutoConfigurationTests(RedisServer redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamEventsAutoConfiguration.class, RedisStreamEventsHealthAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.application.name=billing",
					"redis-stream-client.events.prefix=" + this.prefix,
					"redis-stream-client.events.consumer.block-time=200ms")
			.withBean(Listener.class);
	}

	@Test
	void upWithEachListenerItsQueueTheCircuitBreakerAndTheDeadLetterCount() {
		this.redis.command("XADD", this.prefix + ":dlq", "*", "event", "{}");
		this.runner.run((context) -> {
			Health health = indicator(context).health();

			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("publisherCircuitBreaker", "CLOSED")
				.containsEntry("deadLetterStream", this.prefix + ":dlq")
				.containsEntry("deadLetters", 1L);
			assertThat((List<?>) health.getDetails().get("listeners")).singleElement()
				.satisfies((listener) -> assertThat(asMap(listener)).containsEntry("group", "billing")
					.containsEntry("eventTypes", List.of("order.created"))
					.containsEntry("state", "running")
					.containsEntry("queueSize", 0)
					.containsEntry("maxQueueSize", 1000));
		});
	}

	@Test
	void downWhileThePublishersCircuitBreakerIsOpen() {
		// One failed XADD in a window of one opens the breaker; a string where the stream should be makes it fail.
		this.runner
			.withPropertyValues("redis-stream-client.events.publisher.minimum-number-of-calls=1",
					"redis-stream-client.events.publisher.sliding-window-size=1")
			.run((context) -> {
				this.redis.command("SET", this.prefix + ":broken", "not a stream");
				assertThatThrownBy(() -> context.getBean(EventStreamPublisher.class).publish("broken", "x"))
					.isInstanceOf(EventPublishException.class);

				Health health = indicator(context).health();

				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("publisherCircuitBreaker", "OPEN");
				assertThat((String) health.getDetails().get("reason")).contains("circuit breaker is open");
			});
	}

	@Test
	void downOnceAListenerStoppedReadingBecauseRedisDeniedAPermission() {
		this.redis.setUser("ACL SETUSER listener reset on >s3cret ~* &* +@all");
		this.runner.withPropertyValues("spring.data.redis.username=listener", "spring.data.redis.password=s3cret")
			.run((context) -> {
				assertThat(indicator(context).health().getStatus()).isEqualTo(Status.UP);

				this.redis.setUser("ACL SETUSER listener -xreadgroup");

				await().atMost(Duration.ofSeconds(10))
					.until(() -> indicator(context).health().getStatus().equals(Status.DOWN));
				Health health = indicator(context).health();
				assertThat((List<?>) health.getDetails().get("listeners")).singleElement()
					.satisfies((listener) -> assertThat(asMap(listener)).containsEntry("state", "terminated"));
				assertThat((String) health.getDetails().get("reason")).contains("stopped reading");
			});
	}

	@Test
	void outOfServiceWhileTheListenersAreStopped() {
		this.runner.run((context) -> {
			context.getBean(EventStreamListenerRegistry.class).stop();

			Health health = indicator(context).health();

			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat((List<?>) health.getDetails().get("listeners")).isEmpty();
		});
	}

	@Test
	void isAbsentWhenDisabledOrWithoutTheHealthModule() {
		this.runner.withPropertyValues("management.health.redisStreamEvents.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisStreamEventsHealthIndicator.class));
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasSingleBean(EventStreamListenerRegistry.class)
				.doesNotHaveBean("redisStreamEventsHealthIndicator"));
	}

	private static HealthIndicator indicator(org.springframework.context.ApplicationContext context) {
		return context.getBean("redisStreamEventsHealthIndicator", HealthIndicator.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asMap(Object detail) {
		return (Map<String, Object>) detail;
	}

	static class Listener {

		@EventStreamListener(eventTypes = "order.created")
		void onOrder(String order) {
		}

	}

}
