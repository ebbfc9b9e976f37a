package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.RetryPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Checks the properties and applies them to a client builder. The checks are the core's, made here first so that a
 * failure names the property (not the builder method) and a value that works.
 */
final class ClientBuilderFactory {

	private static final String PREFIX = "redis-stream-client.";

	private ClientBuilderFactory() {
	}

	static RecoverableStreamClient.Builder builder(RedisConnectionFactory connectionFactory,
			RedisStreamClientProperties properties, @Nullable String applicationName) {
		String service = serviceName(properties, applicationName);
		validate(properties);
		RecoverableStreamClient.Builder builder = RecoverableStreamClient.builder(connectionFactory, service)
			.leaseTtl(properties.getLeaseTtl())
			.lbsIdleTime(properties.getLbs().getIdleTime())
			.lbsRecoveryCount(properties.getLbs().getRecoveryCount())
			.lbsBatchSize(properties.getLbs().getBatchSize())
			.lbsBlockTime(properties.getLbs().getBlockTime())
			.retryPolicy(new RetryPolicy(properties.getRetry().getMaxRetries(), properties.getRetry().getInitialDelay(),
					properties.getRetry().getMaxDelay()))
			.autoClaim(properties.isAutoClaim())
			.maxOwnedStreams(properties.getMaxOwnedStreams())
			.keyspaceNotifications(properties.getNotifyKeyspaceEvents())
			.sweepInterval(properties.getSweepInterval())
			.maxTakeovers(properties.getMaxTakeovers())
			.rebalance(properties.getRebalance().isEnabled())
			.rebalanceTolerance(properties.getRebalance().getTolerance());
		if (properties.getConsumerId() != null) {
			builder.consumerId(properties.getConsumerId());
		}
		if (properties.getLeaseRenewalInterval() != null) {
			builder.leaseRenewalInterval(properties.getLeaseRenewalInterval());
		}
		return builder;
	}

	private static String serviceName(RedisStreamClientProperties properties, @Nullable String applicationName) {
		String service = hasText(properties.getServiceName()) ? properties.getServiceName() : applicationName;
		if (!hasText(service)) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "service-name", "",
					"no service name is set, and spring.application.name is not set either",
					"Set redis-stream-client.service-name to the service whose Load Balancer Stream "
							+ "'<service-name>-input' this application consumes, e.g. redis-stream-client.service-name=orders");
		}
		return service;
	}

	private static void validate(RedisStreamClientProperties properties) {
		Duration ttl = properties.getLeaseTtl();
		positive("lease-ttl", ttl, "2s");
		Duration idle = properties.getLbs().getIdleTime();
		positive("lbs.idle-time", idle, "40s");
		if (idle.compareTo(ttl.multipliedBy(2)) <= 0) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "lbs.idle-time", format(idle),
					"it must be more than twice redis-stream-client.lease-ttl (" + format(ttl)
							+ "), or names of consumers that only paused would be removed from the group",
					"Set redis-stream-client.lbs.idle-time above " + ttl.multipliedBy(2).toMillis() + "ms, e.g. "
							+ ttl.multipliedBy(20).toSeconds() + "s, or lower redis-stream-client.lease-ttl");
		}
		Duration renewal = properties.getLeaseRenewalInterval();
		if (renewal != null) {
			positive("lease-renewal-interval", renewal, ttl.dividedBy(3).toMillis() + "ms");
			if (renewal.compareTo(ttl) >= 0) {
				throw new InvalidRedisStreamClientPropertyException(PREFIX + "lease-renewal-interval", format(renewal),
						"the session must be renewed before it expires (lease-ttl is " + format(ttl) + ")",
						"Set redis-stream-client.lease-renewal-interval below the lease TTL, e.g. "
								+ ttl.dividedBy(3).toMillis() + "ms, or remove it to use a third of the TTL");
			}
		}
		atLeastOne("lbs.recovery-count", properties.getLbs().getRecoveryCount(), "1000");
		atLeastOne("lbs.batch-size", properties.getLbs().getBatchSize(), "100");
		positive("lbs.block-time", properties.getLbs().getBlockTime(), "1s");
		atLeastOne("max-owned-streams", properties.getMaxOwnedStreams(), "10000");
		positive("sweep-interval", properties.getSweepInterval(), "10s");
		atLeastOne("handlers.threads", properties.getHandlers().getThreads(), "8");
		if (properties.getMaxTakeovers() < 0) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "max-takeovers", properties.getMaxTakeovers(),
					"it must be 0 (never dead-letter a stream) or a number of takeovers from dead consumers",
					"Set redis-stream-client.max-takeovers to e.g. 3 (the default), or 0 to never dead-letter");
		}
		double tolerance = properties.getRebalance().getTolerance();
		if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "rebalance.tolerance", tolerance,
					"it must be a fraction of 0 or more: how far above its fair share a consumer may hold",
					"Set redis-stream-client.rebalance.tolerance to e.g. 0.2 (20 %)");
		}
		RedisStreamClientProperties.Retry retry = properties.getRetry();
		if (retry.getMaxRetries() < -1) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "retry.max-retries", retry.getMaxRetries(),
					"it must be -1 (unlimited), 0 (give up at the first error) or a positive number of retries",
					"Set redis-stream-client.retry.max-retries to -1 (recommended in production) or e.g. 5");
		}
		positive("retry.initial-delay", retry.getInitialDelay(), "100ms");
		positive("retry.max-delay", retry.getMaxDelay(), "30s");
		if (retry.getMaxDelay().compareTo(retry.getInitialDelay()) < 0) {
			throw new InvalidRedisStreamClientPropertyException(PREFIX + "retry.max-delay", format(retry.getMaxDelay()),
					"it is shorter than redis-stream-client.retry.initial-delay (" + format(retry.getInitialDelay()) + ")",
					"Set redis-stream-client.retry.max-delay to at least " + retry.getInitialDelay().toMillis()
							+ "ms, e.g. 30s");
		}
	}

	private static void positive(String property, @Nullable Duration value, String example) {
		PropertyChecks.positive(PREFIX + property, value, example);
	}

	private static void atLeastOne(String property, int value, String example) {
		PropertyChecks.atLeast(PREFIX + property, value, 1, example);
	}

	private static String format(Duration duration) {
		return PropertyChecks.format(duration);
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

}
