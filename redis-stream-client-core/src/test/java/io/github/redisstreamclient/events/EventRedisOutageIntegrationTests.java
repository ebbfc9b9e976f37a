package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.test.RedisServer;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away: the publisher's circuit breaker opens and closes again, the consumer resumes by itself. Each
 * test has its own server, since it kills it.
 */
class EventRedisOutageIntegrationTests {

	private final String prefix = "out-" + UUID.randomUUID();

	@Test
	void circuitBreakerOpensFailsFastAndClosesWhenRedisIsBack() {
		try (RedisServer redis = RedisServer.start()) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			EventStreamPublisher publisher = EventStreamPublisher.builder(factory)
				.prefix(this.prefix)
				.retryPolicy(new RetryPolicy(0, Duration.ofMillis(100), Duration.ofMillis(100)))
				// Open long enough that a stalled test thread still finds it open for the fail-fast call.
				.circuitBreaker(new CircuitBreakerOptions(50, 2, 2, Duration.ofSeconds(2)))
				.meterRegistry(meters)
				.build();
			publisher.publish("ping", 1);
			assertThat(publisher.circuitBreakerStats().state()).isEqualTo("CLOSED");

			redis.kill();
			long failingCallNanos = 0;
			int failures = 0;
			while (!publisher.circuitBreakerStats().state().equals("OPEN")) {
				assertThat(failures++).as("failed publishes before the breaker opened").isLessThan(3);
				long start = System.nanoTime();
				assertThatThrownBy(() -> publisher.publish("ping", 2)).isInstanceOf(EventPublishException.class)
					.hasMessageContaining("failed after 1 attempt(s)");
				failingCallNanos = Math.max(failingCallNanos, System.nanoTime() - start);
			}
			assertThat(publisher.circuitBreakerStats().failureRate()).isGreaterThanOrEqualTo(50f);
			assertThat(gauge(meters, "circuit.state")).isEqualTo(1.0);

			long start = System.nanoTime();
			assertThatThrownBy(() -> publisher.publish("ping", 3)).isInstanceOf(EventPublishException.class)
				.hasMessageStartingWith("Circuit breaker for publishing to Redis is OPEN: ")
				.hasMessageEndingWith("failing fast without calling Redis")
				.hasCauseInstanceOf(CallNotPermittedException.class);
			long rejectedNanos = System.nanoTime() - start;
			assertThat(Duration.ofNanos(rejectedNanos)).isLessThan(Duration.ofSeconds(1))
				.isLessThan(Duration.ofNanos(failingCallNanos));
			assertThat(publisher.circuitBreakerStats().rejectedCalls()).isEqualTo(1);
			assertThat(meters.get("redis.stream.client.events.circuit.rejected").functionCounter().count())
				.isEqualTo(1);

			redis.restart();
			String[] recovered = new String[1];
			await().atMost(Duration.ofSeconds(40))
				.pollInterval(Duration.ofMillis(200))
				.ignoreException(EventPublishException.class)
				.until(() -> {
					recovered[0] = publisher.publish("ping", 4);
					return publisher.circuitBreakerStats().state().equals("CLOSED");
				});
			assertThat((List<?>) redis.command("XRANGE", this.prefix + ":ping", recovered[0], recovered[0]))
				.hasSize(1);
			assertThat(gauge(meters, "circuit.state")).isZero();
		}
	}

	@Test
	void consumerResumesByItselfAfterRedisRestarts() {
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			EventStreamPublisher publisher = EventStreamPublisher.builder(factory).prefix(this.prefix).build();
			RecordingHandler handler = RecordingHandler.accepting();
			try (EventStreamConsumer consumer = EventStreamConsumer.builder(factory, "g", handler)
				.prefix(this.prefix)
				.eventTypes(List.of("order.created"))
				.blockTime(Duration.ofMillis(200))
				.connectionRetry(new RetryPolicy(-1, Duration.ofMillis(100), Duration.ofMillis(500)))
				.build()) {
				consumer.start();
				String before = publisher.publish("order.created", "before");
				await().atMost(Duration.ofSeconds(10)).until(() -> handler.completed.size() == 1
						&& pending(redis) == 0);

				redis.kill();
				// Down longer than the 5 s command timeout: Lettuce stops holding the blocked read for a reconnect, the
				// read fails, and the reader's own backoff has to bring it back.
				await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() -> !redis.isRunning());
				redis.restart();
				String after = publisher.publish("order.created", "after");

				await().atMost(Duration.ofSeconds(30)).until(() -> handler.completed.size() == 2);
				assertThat(handler.completedEntryIds()).containsExactly(before, after);
				assertThat(consumer.isRunning()).isTrue();
				await().atMost(Duration.ofSeconds(10)).until(() -> pending(redis) == 0);
			}
		}
	}

	private long pending(RedisServer redis) {
		return (Long) ((List<?>) redis.command("XPENDING", this.prefix + ":order.created", "g")).get(0);
	}

	private static double gauge(SimpleMeterRegistry meters, String name) {
		return meters.get("redis.stream.client.events." + name).gauge().value();
	}

}
