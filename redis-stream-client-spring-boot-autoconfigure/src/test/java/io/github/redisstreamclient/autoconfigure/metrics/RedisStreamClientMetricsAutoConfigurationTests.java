package io.github.redisstreamclient.autoconfigure.metrics;

import java.util.UUID;

import io.github.redisstreamclient.autoconfigure.RecoverableStreamClientBuilderCustomizer;
import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.autoconfigure.RedisStreamEventsAutoConfiguration;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.test.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class RedisStreamClientMetricsAutoConfigurationTests {

	private static RedisServer redis;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisStreamClientAutoConfiguration.class, RedisStreamEventsAutoConfiguration.class,
				RedisStreamClientMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port(),
				"redis-stream-client.service-name=svc-" + UUID.randomUUID());

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void registersTheClientMetersInTheApplicationsRegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.find("redis.stream.client.streams.owned").gauge()).isNotNull();
			assertThat(meters.find("redis.stream.client.assignments").counter()).isNotNull();
			assertThat(meters.find("redis.stream.client.handler.errors").functionCounter()).isNotNull();
			assertThat(meters.find("redis.stream.client.processing").timer()).isNotNull();
			// Read at start: the group exists and nothing was added.
			assertThat(meters.get("redis.stream.client.lbs.lag").gauge().value()).isZero();
			assertThat(meters.get("redis.stream.client.lbs.pending").gauge().value()).isZero();
			context.getBean(EventStreamPublisher.class).publish("metered", "x");
			assertThat(meters.get("redis.stream.client.events.published").counter().count()).isEqualTo(1.0);
		});
	}

	@Test
	void worksWithoutARegistryAndWithoutMicrometer() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(RecoverableStreamClient.class));
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> {
				assertThat(context).hasSingleBean(RecoverableStreamClient.class)
					.doesNotHaveBean(RecoverableStreamClientBuilderCustomizer.class);
				assertThat(context.getBean(EventStreamPublisher.class).publish("unmetered", "x")).isNotBlank();
			});
	}

}
