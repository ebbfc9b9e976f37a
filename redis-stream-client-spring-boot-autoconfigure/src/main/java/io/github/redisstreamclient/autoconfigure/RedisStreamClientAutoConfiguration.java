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
		if (threads < 1) {
			throw new InvalidRedisStreamClientPropertyException("redis-stream-client.handlers.threads", threads,
					"it must be at least 1", "Set redis-stream-client.handlers.threads to 1 or more, e.g. 8");
		}
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
	RecoverableStreamClientConfigurer recoverableStreamClientConfigurer(RedisStreamClientProperties properties,
			Environment environment, StreamEventPublisher streamEventPublisher,
			ObjectProvider<RecoverableStreamClientBuilderCustomizer> customizers) {
		return new RecoverableStreamClientConfigurer(properties, environment.getProperty("spring.application.name"),
				streamEventPublisher, customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	RecoverableStreamClient recoverableStreamClient(RedisConnectionFactory redisConnectionFactory,
			RecoverableStreamClientConfigurer configurer) {
		// The core checks the options; InvalidOptionFailureAnalyzer names the property of one it rejects.
		return configurer.configure(RecoverableStreamClient.builder(redisConnectionFactory, configurer.serviceName()))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	RecoverableStreamClientLifecycle recoverableStreamClientLifecycle(RecoverableStreamClient client,
			RedisStreamClientProperties properties) {
		return new RecoverableStreamClientLifecycle(client, properties.isAutoStartup());
	}

}
