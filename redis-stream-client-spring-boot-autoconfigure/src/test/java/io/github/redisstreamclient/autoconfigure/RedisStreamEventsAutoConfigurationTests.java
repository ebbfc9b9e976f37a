package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.events.BackpressureStrategy;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.Event;
import io.github.redisstreamclient.events.EventStreamAdmin;
import io.github.redisstreamclient.events.EventStreamConsumer;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.events.ReceivedEvent;
import io.github.redisstreamclient.spring.EventStreamListener;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event streams through the auto-configuration: beans, binding (also from environment variables), validation, and
 * {@code @EventStreamListener} methods consuming what the publisher bean publishes, against a real Redis.
 */
class RedisStreamEventsAutoConfigurationTests {

	private static RedisServer redis;

	private final String prefix = "ev-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisStreamEventsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.application.name=billing",
				"redis-stream-client.events.prefix=" + this.prefix);

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void providesPublisherAdminAndDeadLetters() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(EventStreamPublisher.class)
			.hasSingleBean(EventStreamAdmin.class)
			.hasSingleBean(DeadLetters.class)
			.hasSingleBean(EventStreamListenerRegistry.class));
	}

	@Test
	void bindsNonDefaultValuesAlsoFromEnvironmentVariables() {
		this.runner
			.withPropertyValues("redis-stream-client.events.consumer.max-deliveries=7",
					"redis-stream-client.events.backpressure.strategy=drop-oldest",
					"redis-stream-client.events.reclaim.min-idle=45s",
					"redis-stream-client.events.publisher.wait-duration-in-open-state=3s")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("REDISSTREAMCLIENT_EVENTS_MAXLENGTH", "250",
								"REDISSTREAMCLIENT_EVENTS_CONSUMER_BATCHSIZE", "33"))))
			.run((context) -> {
				RedisStreamEventsProperties properties = context.getBean(RedisStreamEventsProperties.class);
				assertThat(properties.getMaxLength()).isEqualTo(250);
				assertThat(properties.getConsumer().getBatchSize()).isEqualTo(33);
				assertThat(properties.getConsumer().getMaxDeliveries()).isEqualTo(7);
				assertThat(properties.getBackpressure().getStrategy()).isEqualTo(BackpressureStrategy.DROP_OLDEST);
				assertThat(properties.getReclaim().getMinIdle()).isEqualTo(Duration.ofSeconds(45));
				assertThat(properties.getPublisher().getWaitDurationInOpenState()).isEqualTo(Duration.ofSeconds(3));
			});
	}

	@Test
	void invalidPropertiesFailStartupNamingThePropertyAndAFix() {
		// The core checks each option; the failure names the property that set it, and a value that works.
		assertInvalid("redis-stream-client.events.max-length=-1", "redis-stream-client.events.max-length",
				"must be 0 (unlimited) or positive", "e.g. 10000");
		assertInvalid("redis-stream-client.events.consumer.max-deliveries=0",
				"redis-stream-client.events.consumer.max-deliveries", "must be at least 1", "e.g. 5");
		assertInvalid("redis-stream-client.events.backpressure.warning-threshold=1.5",
				"redis-stream-client.events.backpressure.warning-threshold", "above 0 and at most 1", "e.g. 0.8");
		assertInvalid("redis-stream-client.events.reclaim.interval=0s", "redis-stream-client.events.reclaim.interval",
				"must be positive", "e.g. 30s");
		assertInvalid("redis-stream-client.events.publisher.failure-rate-threshold=0",
				"redis-stream-client.events.publisher.failure-rate-threshold", "above 0 and at most 100", "e.g. 50");
		assertInvalid("redis-stream-client.events.publisher.max-delay=10ms",
				"redis-stream-client.events.publisher.max-delay",
				"must not be shorter than redis-stream-client.events.publisher.initial-delay (100ms)", "e.g. 1s");
	}

	@Test
	void listenerMethodsReceivePayloadsEventsAndEnvelopes() {
		this.runner.withBean(Listeners.class).run((context) -> {
			EventStreamPublisher publisher = context.getBean(EventStreamPublisher.class);
			Listeners listeners = context.getBean(Listeners.class);

			publisher.publish("order.created", new Order("o-1", 42), Map.of("source", "test"));
			publisher.publish("order.cancelled", Map.of("id", "o-2", "total", 7));

			await().atMost(Duration.ofSeconds(10))
				.until(() -> listeners.orders.size() == 1 && listeners.events.size() == 2
						&& listeners.envelopes.size() == 1);
			assertThat(listeners.orders).containsExactly(new Order("o-1", 42));
			assertThat(listeners.events).extracting(Event::type)
				.containsExactlyInAnyOrder("order.created", "order.cancelled");
			assertThat(listeners.events).filteredOn((e) -> e.type().equals("order.created"))
				.singleElement()
				.satisfies((e) -> assertThat(e.metadata()).containsEntry("source", "test"));
			assertThat(listeners.envelopes).singleElement().satisfies((r) -> {
				assertThat(r.stream()).isEqualTo(this.prefix + ":order.cancelled");
				assertThat(r.deliveryCount()).isEqualTo(1);
			});
			List<EventStreamConsumer> consumers = context.getBean(EventStreamListenerRegistry.class).consumers();
			assertThat(consumers).hasSize(3);
			assertThat(consumers).extracting(EventStreamConsumer::consumerName).doesNotHaveDuplicates();
		});
	}

	@Test
	void listenerWithAWrongSignatureFailsStartupNamingBeanAndMethod() {
		this.runner.withBean("orders", BadListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining("@EventStreamListener method 'onOrder' of bean 'orders'")
				.hasMessageContaining("exactly one parameter");
		});
	}

	// With a listener: the options of consuming are checked when its consumer is built.
	private void assertInvalid(String property, String name, String reason, String fix) {
		this.runner.withPropertyValues(property).withBean(Listeners.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = RedisStreamClientAutoConfigurationTests.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(name).contains(reason);
			assertThat(analysis.getAction()).contains(name).contains(fix);
		});
	}

	record Order(String id, int total) {
	}

	static class Listeners {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		final List<Event> events = new CopyOnWriteArrayList<>();

		final List<ReceivedEvent> envelopes = new CopyOnWriteArrayList<>();

		@EventStreamListener(eventTypes = "order.created")
		void onOrder(Order order) {
			this.orders.add(order);
		}

		@EventStreamListener(eventTypes = { "order.created", "order.cancelled" }, group = "audit", concurrency = 2)
		void audit(Event event) {
			this.events.add(event);
		}

		@EventStreamListener(eventTypes = "order.cancelled", group = "${spring.application.name}-cancellations")
		void onCancelled(ReceivedEvent received) {
			this.envelopes.add(received);
		}

	}

	static class BadListener {

		@EventStreamListener(eventTypes = "order.created")
		void onOrder(Order order, String extra) {
		}

	}

}
