package io.github.redisstreamclient.autoconfigure.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListener;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Actuator endpoint {@code redisstreamevents} against a real Redis: what it lists, and replaying dead letters.
 */
@RedisTest
class RedisStreamEventsEndpointAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RedisServer redis;

	private final String prefix = "ev-" + UUID.randomUUID();

	private final ApplicationContextRunner runner;

	RedisStreamEventsEndpointAutoConfigurationTests(RedisServer redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamEventsAutoConfiguration.class, RedisStreamEventsEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.application.name=billing",
					"redis-stream-client.events.prefix=" + this.prefix,
					"redis-stream-client.events.consumer.block-time=200ms",
					"redis-stream-client.events.consumer.max-deliveries=1",
					"management.endpoints.web.exposure.include=redisstreamevents")
			.withBean(Listener.class);
	}

	@Test
	void listsListenersCircuitBreakerAndDeadLetters() {
		this.runner.run((context) -> {
			RedisStreamEventsEndpoint.EventsDescriptor events = context.getBean(RedisStreamEventsEndpoint.class)
				.events();

			assertThat(events.running()).isTrue();
			assertThat(events.listeners()).singleElement().satisfies((listener) -> {
				assertThat(listener.group()).isEqualTo("billing");
				assertThat(listener.eventTypes()).containsExactly("order.created");
				assertThat(listener.state()).isEqualTo("running");
				assertThat(listener.consumer()).isEqualTo(
						context.getBean(EventStreamListenerRegistry.class).consumers().get(0).consumerName());
			});
			assertThat(events.publisherCircuitBreaker()).isNotNull()
				.satisfies((breaker) -> assertThat(breaker.state()).isEqualTo("CLOSED"));
			assertThat(events.deadLetters().stream()).isEqualTo(this.prefix + ":dlq");
			assertThat(events.deadLetters().count()).isZero();
			assertThat(events.deadLetters().replayEnabled()).isFalse();
		});
	}

	@Test
	void replayIsRefusedByDefaultAndLeavesTheDeadLetter() {
		this.runner.run((context) -> {
			deadLetterOneEvent(context);
			RedisStreamEventsEndpoint endpoint = context.getBean(RedisStreamEventsEndpoint.class);

			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.replay(null, 1))
				.withMessageContaining("redis-stream-client.events.endpoint.replay-enabled=true");
			assertThat(context.getBean(DeadLetters.class).count()).isEqualTo(1);
		});
	}

	@Test
	void replayWhenEnabledPutsDeadLettersBackOnTheirStreamWhereTheListenerGetsThem() {
		this.runner.withPropertyValues("redis-stream-client.events.endpoint.replay-enabled=true").run((context) -> {
			deadLetterOneEvent(context);
			Listener listener = context.getBean(Listener.class);
			listener.failing.set(false);
			RedisStreamEventsEndpoint endpoint = context.getBean(RedisStreamEventsEndpoint.class);
			assertThat(endpoint.events().deadLetters().replayEnabled()).isTrue();

			RedisStreamEventsEndpoint.ReplayDescriptor replay = endpoint.replay(null, 10);

			assertThat(replay.replayed()).isEqualTo(1);
			assertThat(replay.remaining()).isZero();
			await().atMost(WAIT).until(() -> listener.handled.contains("o-1"));
			assertThat(this.redis.command("XLEN", this.prefix + ":order.created")).isEqualTo(2L);
		});
	}

	@Test
	void replayNeedsAnIdOrACount() {
		this.runner.withPropertyValues("redis-stream-client.events.endpoint.replay-enabled=true").run((context) -> {
			RedisStreamEventsEndpoint endpoint = context.getBean(RedisStreamEventsEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.replay(null, null));
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.replay(null, 0));
		});
	}

	@Test
	void isAbsentUnlessExposedOrWithoutActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamEventsAutoConfiguration.class, RedisStreamEventsEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + this.redis.port(), "spring.application.name=billing")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisStreamEventsEndpoint.class));
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasSingleBean(EventStreamListenerRegistry.class)
				.doesNotHaveBean(RedisStreamEventsEndpoint.class));
	}

	/** Publishes an event the listener fails once: with max-deliveries=1 it goes straight to the dead letters. */
	private void deadLetterOneEvent(org.springframework.context.ApplicationContext context) {
		context.getBean(EventStreamPublisher.class).publish("order.created", "o-1");
		DeadLetters deadLetters = context.getBean(DeadLetters.class);
		await().atMost(WAIT).until(() -> deadLetters.count() == 1);
		assertThat(context.getBean(Listener.class).handled).isEmpty();
	}

	static class Listener {

		final AtomicBoolean failing = new AtomicBoolean(true);

		final List<String> handled = new CopyOnWriteArrayList<>();

		@EventStreamListener(eventTypes = "order.created")
		void onOrder(String order) {
			if (this.failing.get()) {
				throw new IllegalStateException("not yet");
			}
			this.handled.add(order);
		}

	}

}
