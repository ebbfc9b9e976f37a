package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.spring.SerialStreamExecutor;
import io.github.redisstreamclient.spring.StreamAdded;
import io.github.redisstreamclient.spring.StreamEventListenerFactory;
import io.github.redisstreamclient.spring.StreamEventPublisher;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

/**
 * The main auto-configuration: beans, back-off, binding, validation. The contexts connect to a real
 * {@code redis-server}, since the client starts with them.
 */
class RedisStreamClientAutoConfigurationTests {

	private static RedisServer redis;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisStreamClientAutoConfiguration.class))
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
	void startsAClientOnTheApplicationsRedis() {
		this.runner.withPropertyValues("redis-stream-client.consumer-id=pod-7").run((context) -> {
			assertThat(context).hasSingleBean(RecoverableStreamClient.class)
				.hasSingleBean(RecoverableStreamClientLifecycle.class)
				.hasSingleBean(StreamEventPublisher.class)
				.hasSingleBean(StreamEventListenerFactory.class)
				.hasSingleBean(SerialStreamExecutor.class);
			RecoverableStreamClient client = context.getBean(RecoverableStreamClient.class);
			assertThat(client.isRunning()).isTrue();
			assertThat(client.id()).isEqualTo("redis-consumer-pod-7");
			assertThat(client.leaseTtl()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void closesTheClientWithTheContext() {
		RecoverableStreamClient[] client = new RecoverableStreamClient[1];
		this.runner.run((context) -> client[0] = context.getBean(RecoverableStreamClient.class));
		assertThat(client[0].isRunning()).isFalse();
	}

	@Test
	void bindsNonDefaultValues() {
		this.runner
			.withPropertyValues("redis-stream-client.service-name=orders", "redis-stream-client.lease-ttl=3s",
					"redis-stream-client.lease-renewal-interval=700ms", "redis-stream-client.lbs.idle-time=61s",
					"redis-stream-client.lbs.recovery-count=17", "redis-stream-client.lbs.batch-size=7",
					"redis-stream-client.lbs.block-time=250ms", "redis-stream-client.retry.max-retries=9",
					"redis-stream-client.retry.initial-delay=20ms", "redis-stream-client.retry.max-delay=2s",
					"redis-stream-client.auto-claim=false", "redis-stream-client.max-owned-streams=42",
					"redis-stream-client.notify-keyspace-events=off", "redis-stream-client.sweep-interval=3s",
					"redis-stream-client.handlers.threads=3")
			.run((context) -> {
				RedisStreamClientProperties properties = context.getBean(RedisStreamClientProperties.class);
				assertThat(properties.getLbs().getRecoveryCount()).isEqualTo(17);
				assertThat(properties.getLbs().getBatchSize()).isEqualTo(7);
				assertThat(properties.getLbs().getBlockTime()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getLbs().getIdleTime()).isEqualTo(Duration.ofSeconds(61));
				assertThat(properties.getRetry().getMaxRetries()).isEqualTo(9);
				assertThat(properties.getRetry().getInitialDelay()).isEqualTo(Duration.ofMillis(20));
				assertThat(properties.getRetry().getMaxDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.isAutoClaim()).isFalse();
				assertThat(properties.getMaxOwnedStreams()).isEqualTo(42);
				assertThat(properties.getSweepInterval()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getHandlers().getThreads()).isEqualTo(3);
				assertThat(properties.getLeaseRenewalInterval()).isEqualTo(Duration.ofMillis(700));
				RecoverableStreamClient client = context.getBean(RecoverableStreamClient.class);
				assertThat(client.serviceName()).isEqualTo("orders");
				assertThat(client.leaseTtl()).isEqualTo(Duration.ofSeconds(3));
				assertThat(client.expiryDetection()).isEqualTo("sweep");
			});
	}

	@Test
	void bindsTakeoverAndRebalancePropertiesAndBuildsTheClientWithThem() {
		// The client has no getters for these options, so the test watches the builder the auto-configuration uses:
		// every builder made on this thread is a spy that runs the real methods.
		List<RecoverableStreamClient.Builder> builders = new ArrayList<>();
		try (MockedStatic<RecoverableStreamClient> clients = mockStatic(RecoverableStreamClient.class,
				CALLS_REAL_METHODS)) {
			clients.when(() -> RecoverableStreamClient.builder(any(), anyString())).thenAnswer((call) -> {
				RecoverableStreamClient.Builder builder = spy((RecoverableStreamClient.Builder) call.callRealMethod());
				builders.add(builder);
				return builder;
			});
			this.runner
				.withPropertyValues("redis-stream-client.max-takeovers=5", "redis-stream-client.rebalance.enabled=true",
						"redis-stream-client.rebalance.tolerance=0.5")
				.run((context) -> {
					RedisStreamClientProperties properties = context.getBean(RedisStreamClientProperties.class);
					assertThat(properties.getMaxTakeovers()).isEqualTo(5);
					assertThat(properties.getRebalance().isEnabled()).isTrue();
					assertThat(properties.getRebalance().getTolerance()).isEqualTo(0.5);
					assertThat(context.getBean(RecoverableStreamClient.class).isRunning()).isTrue();
					assertThat(builders).singleElement().satisfies((builder) -> {
						verify(builder).maxTakeovers(5);
						verify(builder).rebalance(true);
						verify(builder).rebalanceTolerance(0.5);
						verify(builder).build();
					});
				});
		}
	}

	@Test
	void serviceNameDefaultsToTheApplicationName() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamClientAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port(), "spring.application.name=billing")
			.run((context) -> assertThat(context.getBean(RecoverableStreamClient.class).serviceName())
				.isEqualTo("billing"));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnClient() {
		this.runner.withUserConfiguration(OwnClient.class).run((context) -> {
			assertThat(context).hasSingleBean(RecoverableStreamClient.class);
			assertThat(context.getBean(RecoverableStreamClient.class).id()).isEqualTo("redis-consumer-own");
		});
	}

	@Test
	void appliesBuilderCustomizers() {
		this.runner.withBean(RecoverableStreamClientBuilderCustomizer.class, () -> (b) -> b.consumerId("customized"))
			.run((context) -> assertThat(context.getBean(RecoverableStreamClient.class).id())
				.isEqualTo("redis-consumer-customized"));
	}

	@Test
	void anApplicationsOwnClientKeepsThePropertiesThroughTheConfigurer() {
		this.runner.withUserConfiguration(OwnClientWithTheConfigurer.class)
			.withPropertyValues("redis-stream-client.lease-ttl=3s", "redis-stream-client.consumer-id=from-yml")
			.run((context) -> {
				RecoverableStreamClient client = context.getBean(RecoverableStreamClient.class);
				assertThat(client.leaseTtl()).isEqualTo(Duration.ofSeconds(3));
				assertThat(client.id()).isEqualTo("redis-consumer-from-yml");
				assertThat(client.expiryDetection()).isEqualTo("sweep"); // the application's own option, after them
				assertThat(client.isRunning()).isTrue();
			});
	}

	@Test
	void anOptionACustomizerGotWrongFailsStartupNamingItsPropertyAndTheCustomizer() {
		this.runner.withBean(RecoverableStreamClientBuilderCustomizer.class,
				() -> (b) -> b.lbsIdleTime(Duration.ofSeconds(1)))
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("Invalid value '1s' for property 'redis-stream-client.lbs.idle-time'")
					.contains("greater than 2 x redis-stream-client.lease-ttl (2s)");
				assertThat(analysis.getAction()).contains("e.g. 40s").contains("a customizer");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClientWithTheConfigurer {

		@Bean
		RecoverableStreamClient recoverableStreamClient(RecoverableStreamClientConfigurer configurer,
				RedisConnectionFactory redis) {
			return configurer.configure(RecoverableStreamClient.builder(redis, configurer.serviceName()))
				.keyspaceNotifications(KeyspaceNotifications.OFF)
				.build();
		}

	}

	@Test
	void withAutoStartupOffTheApplicationStartsTheClientAndShutdownStillClosesIt() {
		RecoverableStreamClient[] client = new RecoverableStreamClient[1];
		this.runner.withPropertyValues("redis-stream-client.auto-startup=false").run((context) -> {
			client[0] = context.getBean(RecoverableStreamClient.class);
			assertThat(client[0].isRunning()).isFalse();
			client[0].start();
			assertThat(client[0].isRunning()).isTrue();
			assertThat(context.getBean(RecoverableStreamClientLifecycle.class).isRunning()).isTrue();
		});
		assertThat(client[0].isRunning()).isFalse();
	}

	@Test
	void usesTheOnlyOrPrimaryConnectionFactoryAndBacksOffWhenItIsAmbiguous() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamClientAutoConfiguration.class))
			.withUserConfiguration(TwoConnectionFactories.class)
			.withPropertyValues("redis-stream-client.service-name=svc-" + UUID.randomUUID())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RecoverableStreamClient.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamClientAutoConfiguration.class))
			.withUserConfiguration(TwoConnectionFactories.class, PrimaryConnectionFactory.class)
			.withPropertyValues("redis-stream-client.service-name=svc-" + UUID.randomUUID())
			.run((context) -> assertThat(context.getBean(RecoverableStreamClient.class).isRunning()).isTrue());
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoConnectionFactories {

		@Bean
		LettuceConnectionFactory first() {
			return new LettuceConnectionFactory("127.0.0.1", redis.port());
		}

		@Bean
		LettuceConnectionFactory second() {
			return new LettuceConnectionFactory("127.0.0.1", redis.port());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryConnectionFactory {

		@Bean
		@Primary
		LettuceConnectionFactory primary() {
			return new LettuceConnectionFactory("127.0.0.1", redis.port());
		}

	}

	@Test
	void staysAwayWithoutRedisOrWhenDisabled() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisStreamClientAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RecoverableStreamClient.class));
		this.runner.withPropertyValues("redis-stream-client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RecoverableStreamClient.class));
	}

	@Test
	void invalidPropertiesFailStartupNamingThePropertyAndAFix() {
		// The core checks each option; the failure names the property that set it, and a value that works.
		assertInvalid("redis-stream-client.lbs.idle-time=3s", "redis-stream-client.lbs.idle-time",
				"must be greater than 2 x redis-stream-client.lease-ttl (2s)", "e.g. 40s");
		assertInvalid("redis-stream-client.lbs.recovery-count=0", "redis-stream-client.lbs.recovery-count",
				"greater than 0", "e.g. 1000");
		assertInvalid("redis-stream-client.retry.max-retries=-2", "redis-stream-client.retry.max-retries",
				"must be -1 (unlimited), 0 or positive", "-1 (recommended in production)");
		assertInvalid("redis-stream-client.retry.max-delay=10ms", "redis-stream-client.retry.max-delay",
				"must not be shorter than redis-stream-client.retry.initial-delay (100ms)", "e.g. 1s");
		assertInvalid("redis-stream-client.lease-ttl=0s", "redis-stream-client.lease-ttl", "positive duration",
				"e.g. 2s");
		assertInvalid("redis-stream-client.lease-renewal-interval=2s", "redis-stream-client.lease-renewal-interval",
				"renewed before it expires", "e.g. 666ms");
		assertInvalid("redis-stream-client.max-owned-streams=0", "redis-stream-client.max-owned-streams",
				"greater than 0", "e.g. 10000");
		assertInvalid("redis-stream-client.handlers.threads=0", "redis-stream-client.handlers.threads",
				"at least 1", "e.g. 8");
	}

	@Test
	void invalidTakeoverAndRebalancePropertiesFailStartupNamingThePropertyAndAFix() {
		assertInvalid("redis-stream-client.max-takeovers=-1", "redis-stream-client.max-takeovers",
				"must be 0 (never dead-letter) or more", "e.g. 3");
		assertInvalid("redis-stream-client.rebalance.tolerance=-0.5", "redis-stream-client.rebalance.tolerance",
				"must be 0 or more (0.2 = 20 %)", "e.g. 0.2");
	}

	@Test
	void missingServiceNameFailsStartupWithTheFix() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisStreamClientAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.port())
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("redis-stream-client.service-name")
					.contains("spring.application.name");
				assertThat(analysis.getAction()).contains("redis-stream-client.service-name=");
			});
	}

	@Test
	void handlerWithAWrongSignatureFailsStartupNamingBeanAndMethod() {
		this.runner.withBean("orderHandler", BadHandler.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining("@StreamAdded method 'onAdded' of bean 'orderHandler'")
				.hasMessageContaining("StreamAddedEvent");
		});
	}

	private void assertInvalid(String property, String name, String reason, String fix) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(name).contains(reason);
			assertThat(analysis.getAction()).contains(name).contains(fix);
		});
	}

	/** What Boot reports for a failed startup, through the analyzers the starter registers. */
	static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new InvalidOptionFailureAnalyzer().analyze(failure);
		if (analysis == null) {
			analysis = new InvalidRedisStreamClientPropertyFailureAnalyzer().analyze(failure);
		}
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		@Bean
		RecoverableStreamClient ownClient(RedisConnectionFactory connectionFactory) {
			return RecoverableStreamClient.builder(connectionFactory, "own-" + UUID.randomUUID())
				.consumerId("own")
				.build();
		}

	}

	static class BadHandler {

		@StreamAdded
		void onAdded(String streamName) {
		}

	}

}
