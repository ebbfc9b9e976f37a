package io.github.redisstreamclient.autoconfigure;

import java.util.List;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.core.StreamNotificationListener;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;

/**
 * Applies the {@code redis-stream-client.*} properties, the listener that turns notifications into
 * {@code @StreamAdded}... events, and the {@link RecoverableStreamClientBuilderCustomizer}s to a client builder: what
 * the auto-configured client gets, for an application that defines its own.
 * <pre class="code">
 * &#64;Bean
 * RecoverableStreamClient recoverableStreamClient(RecoverableStreamClientConfigurer configurer,
 *         RedisConnectionFactory redis) {
 *     return configurer.configure(RecoverableStreamClient.builder(redis, configurer.serviceName()))
 *         .meterRegistry(myRegistry)      // anything of your own, after the properties
 *         .build();
 * }
 * </pre> The options are checked by the core when the client is built; a value the core rejects fails the startup
 * with the property that set it and a value that works.
 */
public final class RecoverableStreamClientConfigurer {

	private final RedisStreamClientProperties properties;

	private final @Nullable String applicationName;

	private final StreamNotificationListener listener;

	private final List<RecoverableStreamClientBuilderCustomizer> customizers;

	RecoverableStreamClientConfigurer(RedisStreamClientProperties properties, @Nullable String applicationName,
			StreamNotificationListener listener, List<RecoverableStreamClientBuilderCustomizer> customizers) {
		this.properties = properties;
		this.applicationName = applicationName;
		this.listener = listener;
		this.customizers = customizers;
	}

	/**
	 * The service whose Load Balancer Stream is consumed: {@code redis-stream-client.service-name}, else
	 * {@code spring.application.name}.
	 * @throws InvalidRedisStreamClientPropertyException when neither is set
	 */
	public String serviceName() {
		String service = hasText(this.properties.getServiceName()) ? this.properties.getServiceName()
				: this.applicationName;
		if (!hasText(service)) {
			throw new InvalidRedisStreamClientPropertyException("redis-stream-client.service-name", "",
					"no service name is set, and spring.application.name is not set either",
					"Set redis-stream-client.service-name to the service whose Load Balancer Stream "
							+ "'<service-name>-input' this application consumes, e.g. redis-stream-client.service-name=orders");
		}
		return service;
	}

	/**
	 * Applies the properties, the listener and the customizers, in that order.
	 * @param builder a builder, e.g. {@code RecoverableStreamClient.builder(redis, serviceName())}
	 * @return the same builder
	 */
	public RecoverableStreamClient.Builder configure(RecoverableStreamClient.Builder builder) {
		RedisStreamClientProperties properties = this.properties;
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getConsumerId).to(builder::consumerId);
		map.from(properties::getLeaseTtl).to(builder::leaseTtl);
		map.from(properties::getLeaseRenewalInterval).to(builder::leaseRenewalInterval);
		map.from(properties.getLbs()::getIdleTime).to(builder::lbsIdleTime);
		map.from(properties.getLbs()::getRecoveryCount).to(builder::lbsRecoveryCount);
		map.from(properties.getLbs()::getBatchSize).to(builder::lbsBatchSize);
		map.from(properties.getLbs()::getBlockTime).to(builder::lbsBlockTime);
		RedisStreamClientProperties.Retry retry = properties.getRetry();
		builder.retryPolicy(OptionProperties.mapping(OptionProperties.CLIENT_RETRY,
				() -> new RetryPolicy(retry.getMaxRetries(), retry.getInitialDelay(), retry.getMaxDelay())));
		map.from(properties::isAutoClaim).to(builder::autoClaim);
		map.from(properties::getMaxOwnedStreams).to(builder::maxOwnedStreams);
		map.from(properties::getNotifyKeyspaceEvents).to(builder::keyspaceNotifications);
		map.from(properties::getSweepInterval).to(builder::sweepInterval);
		map.from(properties::getMaxTakeovers).to(builder::maxTakeovers);
		map.from(properties.getRebalance()::isEnabled).to(builder::rebalance);
		map.from(properties.getRebalance()::getTolerance).to(builder::rebalanceTolerance);
		builder.listener(this.listener);
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

}
