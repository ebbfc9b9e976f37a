package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Invalid options fail when built, naming the option. Nothing here talks to Redis: the factory is never started.
 */
class EventOptionsTests {

	// Port 1: nothing listens there, so a test that connected by mistake would fail rather than touch a real Redis.
	private final LettuceConnectionFactory factory = new LettuceConnectionFactory(
			new RedisStandaloneConfiguration("127.0.0.1", 1));

	private EventStreamConsumer built;

	@AfterEach
	void close() {
		if (this.built != null) {
			this.built.close();
		}
	}

	@Test
	void consumerOptionsAreValidatedByName() {
		assertConsumerRejected((b) -> b.eventTypes(List.of()), "eventTypes must name at least one event type");
		assertConsumerRejected((b) -> b.eventTypes(List.of(" ")), "eventTypes: eventType must not be empty");
		assertConsumerRejected((b) -> b.eventTypes(List.of("dlq")), "eventTypes: eventType must not be 'dlq'");
		assertConsumerRejected((b) -> b.concurrency(0), "concurrency must be at least 1, but was 0");
		assertConsumerRejected((b) -> b.batchSize(0), "batchSize must be at least 1, but was 0");
		assertConsumerRejected((b) -> b.maxDeliveries(0), "maxDeliveries must be at least 1, but was 0");
		assertConsumerRejected((b) -> b.blockTime(Duration.ZERO), "blockTime must be positive, but was 0s");
		assertConsumerRejected((b) -> b.retryBackoff(Duration.ofSeconds(1), Duration.ofMillis(10)),
				"retryBackoff.max (10ms) must not be shorter than retryBackoff.initial (1s)");
		assertConsumerRejected((b) -> b.retryBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)),
				"retryBackoff.initial must be positive");
		assertConsumerRejected((b) -> b.reclaimMinIdle(Duration.ZERO), "reclaimMinIdle must be positive");
		assertConsumerRejected((b) -> b.reclaimInterval(Duration.ZERO), "reclaimInterval must be positive");
		assertConsumerRejected((b) -> b.prefix(""), "prefix must not be empty");
		assertConsumerRejected((b) -> b.consumerName(" "), "consumerName must not be blank");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EventStreamConsumer.builder(this.factory, "", (e) -> {
			}).eventTypes(List.of("t")).build())
			.withMessage("group must not be empty");
	}

	@Test
	void backpressureAndCircuitBreakerOptionsNameTheField() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BackpressureOptions(0, BackpressureStrategy.BLOCK, 0.8))
			.withMessageStartingWith("backpressure.maxQueueSize must be at least 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BackpressureOptions(10, BackpressureStrategy.BLOCK, 1.5))
			.withMessageStartingWith("backpressure.warningThreshold must be above 0 and at most 1");
		assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreakerOptions(0, 5, 10, Duration.ofSeconds(1)))
			.withMessageStartingWith("circuitBreaker.failureRateThreshold");
		assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreakerOptions(50, 0, 10, Duration.ofSeconds(1)))
			.withMessageStartingWith("circuitBreaker.minimumNumberOfCalls");
		assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreakerOptions(50, 5, 0, Duration.ofSeconds(1)))
			.withMessageStartingWith("circuitBreaker.slidingWindowSize");
		assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreakerOptions(50, 5, 10, Duration.ZERO))
			.withMessageStartingWith("circuitBreaker.waitDurationInOpenState");
		assertThat(BackpressureOptions.defaults())
			.isEqualTo(new BackpressureOptions(1000, BackpressureStrategy.BLOCK, 0.8));
	}

	@Test
	void publisherOptionsAreValidatedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventStreamPublisher.builder(this.factory).maxLength(-1).build())
			.withMessage("maxLength must be 0 (unlimited) or positive, but was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> EventStreamPublisher.builder(this.factory).prefix(" ").build())
			.withMessage("prefix must not be empty");
		EventStreamPublisher publisher = EventStreamPublisher.builder(this.factory).prefix("shop").build();
		assertThat(publisher.streamName("order.created")).isEqualTo("shop:order.created");
		assertThatIllegalArgumentException().isThrownBy(() -> publisher.publish("dlq", "x"))
			.withMessageContaining("<prefix>:dlq is the dead-letter stream");
		assertThat(publisher.circuitBreakerStats().state()).isEqualTo("CLOSED");
		Map<String, String> withNull = new HashMap<>();
		withNull.put("trace", null);
		assertThatIllegalArgumentException().isThrownBy(() -> publisher.publish("t", "x", withNull))
			.withMessage("metadata must not hold null keys or values, but had trace=null");
		Object unserializable = new Object() {
			@SuppressWarnings("unused")
			public Object getSelf() {
				return this;
			}
		};
		assertThatThrownBy(() -> publisher.publish("t", unserializable)).isInstanceOf(EventPublishException.class)
			.hasMessageStartingWith("Cannot write the payload of a 't' event");
	}

	@Test
	void defaultConsumerNamesAreUniquePerInstance() {
		this.built = EventStreamConsumer.builder(this.factory, "g", (e) -> {
		}).eventTypes(List.of("t")).build();
		EventStreamConsumer other = EventStreamConsumer.builder(this.factory, "g", (e) -> {
		}).eventTypes(List.of("t")).build();

		assertThat(this.built.consumerName()).matches(".+-" + ProcessHandle.current().pid() + "-[0-9a-f]{8}");
		assertThat(other.consumerName()).isNotEqualTo(this.built.consumerName());
		assertThat(this.built.isRunning()).isFalse();
		other.close();
	}

	@Test
	void retryBackoffDoublesWithTheDeliveryCountUpToTheCap() {
		Duration initial = Duration.ofMillis(100);
		Duration max = Duration.ofMillis(500);

		assertThat(RetryScheduler.backoff(1, initial, max)).isEqualTo(Duration.ofMillis(100));
		assertThat(RetryScheduler.backoff(2, initial, max)).isEqualTo(Duration.ofMillis(200));
		assertThat(RetryScheduler.backoff(3, initial, max)).isEqualTo(Duration.ofMillis(400));
		assertThat(RetryScheduler.backoff(4, initial, max)).isEqualTo(max);
		assertThat(RetryScheduler.backoff(100, initial, max)).isEqualTo(max);
	}

	@Test
	void reclaimPagesStartJustAfterTheLastId() {
		assertThat(Reclaimer.next("1700000000000-0")).isEqualTo("1700000000000-1");
		assertThat(Reclaimer.next("1700000000000-41")).isEqualTo("1700000000000-42");
	}

	private void assertConsumerRejected(UnaryOperator<EventStreamConsumer.Builder> customizer, String message) {
		EventStreamConsumer.Builder builder = EventStreamConsumer.builder(this.factory, "g", (e) -> {
		}).eventTypes(List.of("t"));
		assertThatIllegalArgumentException().isThrownBy(() -> customizer.apply(builder).build())
			.withMessageStartingWith(message);
	}

}
