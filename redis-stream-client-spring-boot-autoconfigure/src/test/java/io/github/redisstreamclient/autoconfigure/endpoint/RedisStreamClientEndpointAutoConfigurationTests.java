package io.github.redisstreamclient.autoconfigure.endpoint;

import java.time.Duration;
import java.util.UUID;

import io.github.redisstreamclient.autoconfigure.RedisStreamClientAutoConfiguration;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisStreamClientEndpointAutoConfigurationTests {

	private static RedisServer redis;

	private final String service = "svc-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisStreamClientAutoConfiguration.class, RedisStreamClientEndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + redis.port(), "redis-stream-client.service-name=" + this.service,
				"redis-stream-client.consumer-id=pod-e");

	@BeforeAll
	static void startRedis() {
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void listsOwnedStreamsWithEntryTokenAndSinceWhen() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=redisstreams").run((context) -> {
			String entryId = LoadBalancerStream.of(context.getBean(RedisConnectionFactory.class), this.service)
				.add("session-9");
			RecoverableStreamClient client = context.getBean(RecoverableStreamClient.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.ownedStreams().size() == 1);

			RedisStreamsEndpoint.ConsumerDescriptor streams = context.getBean(RedisStreamsEndpoint.class).streams();

			assertThat(streams.consumerId()).isEqualTo("redis-consumer-pod-e");
			assertThat(streams.ownedStreams()).isEqualTo(1);
			assertThat(streams.streams()).singleElement().satisfies((s) -> {
				assertThat(s.name()).isEqualTo("session-9");
				assertThat(s.lbsEntryId()).isEqualTo(entryId);
				assertThat(s.fencingToken()).isPositive();
				assertThat(s.heldSince()).isNotNull();
			});
		});
	}

	@Test
	void isAbsentUnlessExposedOrWithoutActuator() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RedisStreamsEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=redisstreams")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasSingleBean(RecoverableStreamClient.class)
				.doesNotHaveBean(RedisStreamsEndpoint.class));
	}

}
