package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.spring.StreamAdded;
import io.github.redisstreamclient.spring.StreamAddedEvent;
import io.github.redisstreamclient.spring.StreamEventListenerFactory;
import io.github.redisstreamclient.spring.StreamTerminated;
import io.github.redisstreamclient.spring.StreamTerminatedEvent;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two applications consume the same service through the starter's auto-configuration and annotated handlers; one
 * shuts down and the other takes its streams over.
 */
class StreamHandlersIntegrationTests {

	private static RedisServer redis;

	private final String service = "svc-" + UUID.randomUUID();

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	private ConfigurableApplicationContext start(String consumerId, String... extraProperties) {
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.port=" + redis.port(),
				"--spring.application.name=" + this.service, "--redis-stream-client.consumer-id=" + consumerId,
				"--redis-stream-client.lease-ttl=1s", "--redis-stream-client.lbs.idle-time=3s",
				"--redis-stream-client.lbs.block-time=200ms", "--redis-stream-client.sweep-interval=500ms"));
		for (String property : extraProperties) {
			args.add("--" + property);
		}
		SpringApplication application = new SpringApplication(HandlerApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run(args.toArray(String[]::new));
	}

	@Test
	void handlersRunOffTheRedisThreadsAndSurvivorsTakeOverWhenAnApplicationStops() {
		try (ConfigurableApplicationContext a = start("app-a");
				ConfigurableApplicationContext b = start("app-b")) {
			Handlers handlersA = a.getBean(Handlers.class);
			Handlers handlersB = b.getBean(Handlers.class);
			LoadBalancerStream lbs = LoadBalancerStream.of(a.getBean(RedisConnectionFactory.class), this.service);
			for (int i = 1; i <= 10; i++) {
				lbs.add("job-" + i, Map.of("n", i));
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> handlersA.added.size() + handlersB.added.size() == 10);
			assertThat(handlersA.threads).allMatch((name) -> name.startsWith("rsc-handler-"));
			assertThat(handlersA.added).noneMatch(StreamAddedEvent::claimed);
			int heldByA = a.getBean(RecoverableStreamClient.class).ownedStreams().size();

			a.close();

			assertThat(handlersA.terminated).singleElement()
				.satisfies((e) -> assertThat(e.reason()).isEqualTo("closed"));
			RecoverableStreamClient clientB = b.getBean(RecoverableStreamClient.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> clientB.ownedStreams().size() == 10);
			// The handlers run after the claim, on the handler threads.
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(handlersB.added.stream().filter(StreamAddedEvent::claimed))
					.hasSize(heldByA));
		}
	}

	@Test
	void handlerCanFinishItsStreamAndPatternsAndConditionsFilter() {
		try (ConfigurableApplicationContext context = start("app-c")) {
			Handlers handlers = context.getBean(Handlers.class);
			LoadBalancerStream lbs = LoadBalancerStream.of(context.getBean(RedisConnectionFactory.class),
					this.service);
			lbs.add("orders-1", Map.of("priority", "high"));
			lbs.add("orders-2", Map.of("priority", "low"));
			lbs.add("invoices-1", Map.of("priority", "high"));

			await().atMost(Duration.ofSeconds(10)).until(() -> handlers.added.size() == 3);
			assertThat(handlers.orders).containsExactlyInAnyOrder("orders-1", "orders-2");
			assertThat(handlers.highPriority).containsExactlyInAnyOrder("orders-1", "invoices-1");
			// The "finishing" handler called done() on every stream it saw.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(RecoverableStreamClient.class).ownedStreams().isEmpty());
			assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(0L);
		}
	}

	@Test
	void aThrowingHandlerIsCountedAndDoesNotStopTheClient() {
		try (ConfigurableApplicationContext context = start("app-d")) {
			Handlers handlers = context.getBean(Handlers.class);
			LoadBalancerStream lbs = LoadBalancerStream.of(context.getBean(RedisConnectionFactory.class),
					this.service);
			lbs.add("poison-1");
			lbs.add("fine-1");

			await().atMost(Duration.ofSeconds(10)).until(() -> handlers.added.size() == 2);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(StreamEventListenerFactory.class).failures() == 1);
			assertThat(context.getBean(RecoverableStreamClient.class).isRunning()).isTrue();
			lbs.add("fine-2");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> handlers.added.stream().anyMatch((e) -> e.streamName().equals("fine-2")));
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void handlersRunOnVirtualThreadsWhenTheApplicationEnablesThem() {
		try (ConfigurableApplicationContext context = start("app-v", "spring.threads.virtual.enabled=true")) {
			Handlers handlers = context.getBean(Handlers.class);
			LoadBalancerStream.of(context.getBean(RedisConnectionFactory.class), this.service).add("v-1");

			await().atMost(Duration.ofSeconds(10)).until(() -> handlers.added.size() == 1);
			assertThat(handlers.virtual).containsExactly(true);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisStreamClientAutoConfiguration.class })
	static class HandlerApplication {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		final List<StreamAddedEvent> added = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<Boolean> virtual = new CopyOnWriteArrayList<>();

		final List<String> orders = new CopyOnWriteArrayList<>();

		final List<String> highPriority = new CopyOnWriteArrayList<>();

		final List<StreamTerminatedEvent> terminated = new CopyOnWriteArrayList<>();

		@StreamAdded
		void onAdded(StreamAddedEvent event) {
			this.added.add(event);
			this.threads.add(Thread.currentThread().getName());
			this.virtual.add(isVirtual(Thread.currentThread()));
		}

		// Thread.isVirtual() is Java 21 API; the library builds for Java 17.
		private static boolean isVirtual(Thread thread) {
			try {
				return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
			}
			catch (ReflectiveOperationException ex) {
				return false;
			}
		}

		@StreamAdded(streams = "orders-*")
		void onOrder(StreamAddedEvent event) {
			this.orders.add(event.streamName());
		}

		@StreamAdded(condition = "#event.info['priority'] == 'high'")
		void onHighPriority(StreamAddedEvent event) {
			this.highPriority.add(event.streamName());
		}

		@StreamAdded(streams = { "orders-*", "invoices-*" })
		void finishing(StreamAddedEvent event) {
			event.done();
		}

		@StreamAdded(streams = "poison-*")
		void poisoned() {
			throw new IllegalStateException("cannot handle this one");
		}

		@StreamTerminated
		void onTerminated(StreamTerminatedEvent event) {
			this.terminated.add(event);
		}

	}

}
