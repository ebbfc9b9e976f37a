package io.github.redisstreamclient.autoconfigure.observation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.events.Event;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.observation.DefaultEventProcessObservationConvention;
import io.github.redisstreamclient.observation.DefaultEventPublishObservationConvention;
import io.github.redisstreamclient.observation.DefaultStreamHandlerObservationConvention;
import io.github.redisstreamclient.observation.EventProcessObservationConvention;
import io.github.redisstreamclient.observation.EventPublishObservationConvention;
import io.github.redisstreamclient.observation.StreamHandlerObservationConvention;
import io.github.redisstreamclient.spring.EventStreamListener;
import io.github.redisstreamclient.spring.StreamAdded;
import io.github.redisstreamclient.spring.StreamAddedEvent;
import io.github.redisstreamclient.spring.StreamEventListenerFactory;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's {@link ObservationRegistry} and convention beans reach the stream handlers, the event publisher
 * and the {@code @EventStreamListener} consumers, against a real Redis; without a registry nothing is observed.
 */
@RedisTest
class RedisStreamClientObservationAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final RedisServer redis;

	private final String service = "svc-" + UUID.randomUUID();

	private final ApplicationContextRunner runner;

	RedisStreamClientObservationAutoConfigurationTests(RedisServer redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamClientAutoConfiguration.class, RedisStreamEventsAutoConfiguration.class,
					RedisStreamClientObservationAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.application.name=billing",
					"redis-stream-client.service-name=" + this.service, "redis-stream-client.lbs.block-time=200ms",
					"redis-stream-client.events.prefix=ev-" + UUID.randomUUID(),
					"redis-stream-client.events.consumer.block-time=200ms")
			.withBean(Handlers.class);
	}

	@Test
	void observesStreamHandlersPublishAndProcessWithTheApplicationsRegistry() {
		this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create).run((context) -> {
			TestObservationRegistry observations = (TestObservationRegistry) context.getBean(ObservationRegistry.class);
			String entryId = publishAndAddAStream(context);

			await().atMost(WAIT).untilAsserted(() -> assertThat(observations)
				.hasNumberOfObservationsWithNameEqualTo("redis.stream.client.handler", 1)
				.hasNumberOfObservationsWithNameEqualTo("redis.stream.client.events.process", 1));
			assertThat(observations).hasObservationWithNameEqualTo("redis.stream.client.handler")
				.that()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("redis.stream.client.service", this.service)
				.hasLowCardinalityKeyValue("redis.stream.client.handler.kind", "added")
				.hasLowCardinalityKeyValue("redis.stream.client.handler.name", "Handlers.onAdded")
				.hasHighCardinalityKeyValue("redis.stream.client.stream", "job-1")
				.doesNotHaveLowCardinalityKeyValueWithKey("redis.stream.client.stream");
			// Handlers.onHighPriority's condition turned the event away: no call, so no observation of it.
			assertThat(context.getBean(Handlers.class).highPriority).isEmpty();
			assertThat(observations).hasObservationWithNameEqualTo("redis.stream.client.events.publish")
				.that()
				.hasLowCardinalityKeyValue("redis.stream.client.event.type", "order.created")
				.hasHighCardinalityKeyValue("messaging.message.id", entryId);
			assertThat(observations).hasObservationWithNameEqualTo("redis.stream.client.events.process")
				.that()
				.hasLowCardinalityKeyValue("messaging.consumer.group.name", "billing")
				.hasHighCardinalityKeyValue("messaging.message.id", entryId);
		});
	}

	@Test
	void conventionBeansReplaceTheDefaults() {
		this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.withBean(StreamHandlerObservationConvention.class, () -> new DefaultStreamHandlerObservationConvention() {
				@Override
				public String getName() {
					return "jobs.handler";
				}
			})
			.withBean(EventPublishObservationConvention.class, () -> new DefaultEventPublishObservationConvention() {
				@Override
				public String getName() {
					return "orders.sent";
				}
			})
			.withBean(EventProcessObservationConvention.class, () -> new DefaultEventProcessObservationConvention() {
				@Override
				public String getName() {
					return "orders.handled";
				}
			})
			.run((context) -> {
				TestObservationRegistry observations = (TestObservationRegistry) context
					.getBean(ObservationRegistry.class);
				publishAndAddAStream(context);

				await().atMost(WAIT).untilAsserted(() -> assertThat(observations)
					.hasNumberOfObservationsWithNameEqualTo("jobs.handler", 1)
					.hasNumberOfObservationsWithNameEqualTo("orders.sent", 1)
					.hasNumberOfObservationsWithNameEqualTo("orders.handled", 1));
				assertThat(observations).hasNumberOfObservationsEqualTo(3);
				assertThat(observations).hasObservationWithNameEqualTo("jobs.handler")
					.that()
					.hasLowCardinalityKeyValue("redis.stream.client.handler.kind", "added");
			});
	}

	@Test
	void handlersAndEventsRunUnobservedWithoutARegistryAndWithoutMicrometer() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(StreamEventListenerFactory.class).doesNotHaveBean(ObservationRegistry.class);
			publishAndAddAStream(context);
			awaitHandled(context);
		});
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisStreamClientObservationAutoConfiguration.class)
				.hasSingleBean(StreamEventListenerFactory.class);
			publishAndAddAStream(context);
			awaitHandled(context);
		});
	}

	private String publishAndAddAStream(ApplicationContext context) {
		String entryId = context.getBean(EventStreamPublisher.class).publish("order.created", "o-1");
		LoadBalancerStream.of(context.getBean(RedisConnectionFactory.class), this.service)
			.add("job-1", Map.of("priority", "low"));
		return entryId;
	}

	private static void awaitHandled(ApplicationContext context) {
		Handlers handlers = context.getBean(Handlers.class);
		await().atMost(WAIT).until(() -> handlers.added.contains("job-1") && handlers.orders.size() == 1);
	}

	static class Handlers {

		final List<String> added = new CopyOnWriteArrayList<>();

		final List<String> highPriority = new CopyOnWriteArrayList<>();

		final List<Event> orders = new CopyOnWriteArrayList<>();

		@StreamAdded
		void onAdded(StreamAddedEvent event) {
			this.added.add(event.streamName());
		}

		@StreamAdded(condition = "#event.info['priority'] == 'high'")
		void onHighPriority(StreamAddedEvent event) {
			this.highPriority.add(event.streamName());
		}

		@EventStreamListener(eventTypes = "order.created")
		void onOrder(Event event) {
			this.orders.add(event);
		}

	}

}
