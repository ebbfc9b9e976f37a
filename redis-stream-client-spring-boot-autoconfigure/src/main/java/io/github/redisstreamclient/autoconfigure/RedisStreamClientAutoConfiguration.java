package io.github.redisstreamclient.autoconfigure;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.spring.SerialStreamExecutor;
import io.github.redisstreamclient.spring.StreamEventListenerFactory;
import io.github.redisstreamclient.spring.StreamEventPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Auto-configures a {@link RecoverableStreamClient} on the application's {@link RedisConnectionFactory}, publishing
 * its notifications as events to {@code @StreamAdded}, {@code @StreamExpired}, {@code @StreamDisowned} and
 * {@code @StreamTerminated} methods, started and stopped with the application context.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redis-stream-client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisStreamClientProperties.class)
public final class RedisStreamClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static StreamEventListenerFactory streamEventListenerFactory() {
		return new StreamEventListenerFactory();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnThreading(Threading.VIRTUAL)
	SerialStreamExecutor redisStreamHandlerExecutorVirtualThreads() {
		return new SerialStreamExecutor(new VirtualThreadTaskExecutor("rsc-handler-"));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnThreading(Threading.PLATFORM)
	SerialStreamExecutor redisStreamHandlerExecutor(RedisStreamClientProperties properties) {
		int threads = properties.getHandlers().getThreads();
		ExecutorService pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("rsc-handler-"));
		((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
		return new SerialStreamExecutor(pool);
	}

	@Bean
	@ConditionalOnMissingBean
	StreamEventPublisher streamEventPublisher(ApplicationEventPublisher applicationEventPublisher,
			SerialStreamExecutor redisStreamHandlerExecutor, ObjectProvider<RecoverableStreamClient> client) {
		return new StreamEventPublisher(applicationEventPublisher, redisStreamHandlerExecutor, client::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	RecoverableStreamClient recoverableStreamClient(RedisConnectionFactory redisConnectionFactory,
			RedisStreamClientProperties properties, Environment environment, StreamEventPublisher streamEventPublisher,
			ObjectProvider<RecoverableStreamClientBuilderCustomizer> customizers) {
		RecoverableStreamClient.Builder builder = ClientBuilderFactory.builder(redisConnectionFactory, properties,
				environment.getProperty("spring.application.name"));
		builder.listener(streamEventPublisher);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			// A customizer set something the properties check could not see.
			throw new InvalidRedisStreamClientPropertyException("redis-stream-client", "(customized builder)",
					ex.getMessage(), "Fix the RecoverableStreamClientBuilderCustomizer bean that sets this option");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RecoverableStreamClientLifecycle recoverableStreamClientLifecycle(RecoverableStreamClient client,
			RedisStreamClientProperties properties) {
		return new RecoverableStreamClientLifecycle(client, properties.isAutoStartup());
	}

}
