package io.github.redisstreamclient.core.internal;

import java.time.Duration;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.core.StreamNotificationListener;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The options of one {@code RecoverableStreamClient}, fixed when it is built: changing the builder afterwards does
 * not change a client. Made and validated only by {@code RecoverableStreamClient.Builder}; not API.
 */
public record ClientOptions(RedisConnectionFactory connectionFactory, String serviceName, @Nullable String consumerId,
		Duration leaseTtl, Duration leaseRenewalInterval, Duration lbsIdleTime, int lbsRecoveryCount, int lbsBatchSize,
		Duration lbsBlockTime, RetryPolicy retryPolicy, boolean autoClaim, int maxOwnedStreams,
		KeyspaceNotifications keyspaceNotifications, Duration notificationCheckInterval, Duration sweepInterval,
		int notificationQueueCapacity, int notificationThreads, @Nullable StreamNotificationListener listener,
		@Nullable Object meterRegistry, int maxTakeovers, boolean rebalance, double rebalanceTolerance) {

	/** How long claims from dead consumers wait after a Redis restart: a TTL, plus the resolution of its uptime. */
	Duration restartGrace() {
		return this.leaseTtl.plusSeconds(1);
	}

}
