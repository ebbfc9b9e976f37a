package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the recoverable stream client, under {@code redis-stream-client}.
 */
@ConfigurationProperties("redis-stream-client")
public class RedisStreamClientProperties {

	/**
	 * Whether to create and start a client.
	 */
	private boolean enabled = true;

	/**
	 * Whether the client starts with the application context; when false, the application starts it (the
	 * RecoverableStreamClientLifecycle bean, or RecoverableStreamClient.start()).
	 */
	private boolean autoStartup = true;

	/**
	 * Service whose Load Balancer Stream is consumed: the LBS is "<service-name>-input". Defaults to
	 * spring.application.name.
	 */
	private @Nullable String serviceName;

	/**
	 * Id of this consumer, prefixed "redis-consumer-". Defaults to the POD_NAME environment variable, else POD_IP,
	 * else host name and process id.
	 */
	private @Nullable String consumerId;

	/**
	 * How long a consumer's session lives without renewal: how soon a dead consumer's streams fail over.
	 */
	private Duration leaseTtl = Duration.ofSeconds(2);

	/**
	 * How often the consumer's session is renewed (one command per tick, whatever it holds). Defaults to a third of
	 * the lease TTL.
	 */
	private @Nullable Duration leaseRenewalInterval;

	/**
	 * Whether to take over the streams of dead consumers without a handler asking; claims arrive as StreamAddedEvent
	 * with claimed() true.
	 */
	private boolean autoClaim = true;

	/**
	 * Streams this consumer may hold at once; at the limit it neither reads new LBS entries nor claims.
	 */
	private int maxOwnedStreams = 10_000;

	/**
	 * Whether and how keyevent notifications are used to notice expired sessions: auto, force or off (sweep only).
	 */
	private KeyspaceNotifications notifyKeyspaceEvents = KeyspaceNotifications.AUTO;

	/**
	 * Interval of the sweep that finds dead consumers whose session expiry notification was lost.
	 */
	private Duration sweepInterval = Duration.ofSeconds(10);

	/**
	 * Takeovers from dead consumers after which a stream goes to '<service>-input:dlq' instead of to the next consumer
	 * (a poison stream that kills whoever processes it); 0 = never. Handoffs, releases and rebalancing do not count.
	 */
	private int maxTakeovers = 3;

	private final Rebalance rebalance = new Rebalance();

	private final Lbs lbs = new Lbs();

	private final Retry retry = new Retry();

	private final Handlers handlers = new Handlers();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public @Nullable String getServiceName() {
		return this.serviceName;
	}

	public void setServiceName(@Nullable String serviceName) {
		this.serviceName = serviceName;
	}

	public @Nullable String getConsumerId() {
		return this.consumerId;
	}

	public void setConsumerId(@Nullable String consumerId) {
		this.consumerId = consumerId;
	}

	public Duration getLeaseTtl() {
		return this.leaseTtl;
	}

	public void setLeaseTtl(Duration leaseTtl) {
		this.leaseTtl = leaseTtl;
	}

	public @Nullable Duration getLeaseRenewalInterval() {
		return this.leaseRenewalInterval;
	}

	public void setLeaseRenewalInterval(@Nullable Duration leaseRenewalInterval) {
		this.leaseRenewalInterval = leaseRenewalInterval;
	}

	public boolean isAutoClaim() {
		return this.autoClaim;
	}

	public void setAutoClaim(boolean autoClaim) {
		this.autoClaim = autoClaim;
	}

	public int getMaxOwnedStreams() {
		return this.maxOwnedStreams;
	}

	public void setMaxOwnedStreams(int maxOwnedStreams) {
		this.maxOwnedStreams = maxOwnedStreams;
	}

	public KeyspaceNotifications getNotifyKeyspaceEvents() {
		return this.notifyKeyspaceEvents;
	}

	public void setNotifyKeyspaceEvents(KeyspaceNotifications notifyKeyspaceEvents) {
		this.notifyKeyspaceEvents = notifyKeyspaceEvents;
	}

	public Duration getSweepInterval() {
		return this.sweepInterval;
	}

	public void setSweepInterval(Duration sweepInterval) {
		this.sweepInterval = sweepInterval;
	}

	public Lbs getLbs() {
		return this.lbs;
	}

	public int getMaxTakeovers() {
		return this.maxTakeovers;
	}

	public void setMaxTakeovers(int maxTakeovers) {
		this.maxTakeovers = maxTakeovers;
	}

	public Rebalance getRebalance() {
		return this.rebalance;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Handlers getHandlers() {
		return this.handlers;
	}

	/**
	 * Rebalancing: a consumer above its fair share releases the excess to consumers that joined later.
	 */
	public static class Rebalance {

		/**
		 * Whether a consumer holding more than its fair share (times 1 + tolerance) releases the excess, newest first.
		 */
		private boolean enabled = false;

		/**
		 * How far above its fair share a consumer may hold before it rebalances, as a fraction (0.2 = 20 %).
		 */
		private double tolerance = 0.2;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public double getTolerance() {
			return this.tolerance;
		}

		public void setTolerance(double tolerance) {
			this.tolerance = tolerance;
		}

	}

	/**
	 * Reading of the Load Balancer Stream.
	 */
	public static class Lbs {

		/**
		 * Idle time after which a consumer name without session and without pending entries is removed from the
		 * group (pods long gone); must be more than twice
		 * the lease TTL.
		 */
		private Duration idleTime = Duration.ofSeconds(40);

		/**
		 * Entries claimed (or reconciled) per script call, at startup and when a consumer died.
		 */
		private int recoveryCount = 1000;

		/**
		 * LBS entries read per poll.
		 */
		private int batchSize = 100;

		/**
		 * How long one LBS poll blocks waiting for entries.
		 */
		private Duration blockTime = Duration.ofSeconds(1);

		public Duration getIdleTime() {
			return this.idleTime;
		}

		public void setIdleTime(Duration idleTime) {
			this.idleTime = idleTime;
		}

		public int getRecoveryCount() {
			return this.recoveryCount;
		}

		public void setRecoveryCount(int recoveryCount) {
			this.recoveryCount = recoveryCount;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getBlockTime() {
			return this.blockTime;
		}

		public void setBlockTime(Duration blockTime) {
			this.blockTime = blockTime;
		}

	}

	/**
	 * Retries of the LBS reader after Redis errors, with exponential backoff.
	 */
	public static class Retry {

		/**
		 * Retries before the client gives up and reports StreamTerminatedEvent: -1 for unlimited, 0 to give up at
		 * the first error.
		 */
		private int maxRetries = -1;

		/**
		 * Pause after the first error; doubles with each further error.
		 */
		private Duration initialDelay = Duration.ofMillis(100);

		/**
		 * Longest pause between two attempts.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * Threads that run the annotated handlers.
	 */
	public static class Handlers {

		/**
		 * Platform threads running handlers, when virtual threads are not enabled; one stream's handlers never run
		 * in parallel.
		 */
		private int threads = 8;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

	}

}
