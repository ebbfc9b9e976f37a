package io.github.redisstreamclient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstreamclient.core.internal.ClientOptions;
import io.github.redisstreamclient.core.internal.ConsumerRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * A consumer of a service's Load Balancer Stream that owns data streams and recovers the streams of consumers that
 * die, stall or shut down. The Java counterpart of the Go client's {@code RecoverableRedisStreamClient}.
 * <p>
 * Liveness is one session key per consumer, renewed with one command per tick whatever it holds; a stream's owner is
 * written to the owner hash once, with its fencing token, when it changes hands (DESIGN.md, "ownership v2"). The
 * work is done by package-private parts in {@code core.internal}, wired by {@code ConsumerRuntime}; docs/ARCHITECTURE.md
 * shows them and their threads.
 * <p>
 * Build one with {@link #builder(RedisConnectionFactory, String)}, {@link #start()} it, process the streams it
 * announces as {@link StreamNotification.Type#STREAM_ADDED}, call {@link #done(String)} for each finished stream and
 * {@link #close()} it on shutdown: unfinished streams are then handed to the other consumers at once.
 */
public final class RecoverableStreamClient implements AutoCloseable {

	private final ClientOptions options;

	private final String id;

	private final ConsumerRuntime runtime;

	/** Whether this client holds its id in this JVM (from start to close). */
	private final AtomicBoolean holdsId = new AtomicBoolean();

	private RecoverableStreamClient(ClientOptions options) {
		this.options = options;
		this.id = ConsumerIds.resolve(options.consumerId(), System.getenv(), options.serviceName());
		this.runtime = new ConsumerRuntime(options, this.id);
	}

	/**
	 * Starts building a client.
	 * @param connectionFactory how to reach Redis
	 * @param serviceName the service: the LBS is {@code <serviceName>-input}, the group {@code <serviceName>-group}
	 */
	public static Builder builder(RedisConnectionFactory connectionFactory, String serviceName) {
		return new Builder(connectionFactory, serviceName);
	}

	/**
	 * Joins the consumer group and starts working (the Go client's {@code Init}): starts a session, creates the group
	 * if needed, subscribes to expiry notifications, recovers what an earlier process under this id and dead
	 * consumers held, checks that it may read the LBS, then renews the session and reads new LBS entries.
	 * @throws IllegalStateException when it was started before, or another running client of the service in this
	 * JVM has the same consumer id
	 * @throws org.springframework.dao.PermissionDeniedDataAccessException when the Redis user lacks a permission
	 * these steps need; the message names the command, key or channel and what to grant
	 */
	public void start() {
		if (!this.holdsId.get()) {
			ConsumerIds.claim(this.options.serviceName(), this.id);
			this.holdsId.set(true);
		}
		try {
			this.runtime.start();
		}
		catch (RuntimeException ex) {
			if (!this.runtime.isRunning() && this.holdsId.compareAndSet(true, false)) {
				ConsumerIds.release(this.options.serviceName(), this.id);
			}
			throw ex;
		}
	}

	/** This consumer's id, {@code redis-consumer-<id>}: its name in the consumer group and in the owner hash. */
	public String id() {
		return this.id;
	}

	/** The service this client consumes. */
	public String serviceName() {
		return this.options.serviceName();
	}

	/**
	 * Takes over a stream whose owner is gone (or that was released), typically on
	 * {@link StreamNotification.Type#STREAM_EXPIRED}. Claims race safely: exactly one consumer wins.
	 * @return {@code true} when this consumer now owns the stream; {@code false} when another consumer holds it, it
	 * is finished, or this consumer is at {@code maxOwnedStreams}
	 * @throws IllegalStateException when the client is not running
	 */
	public boolean claim(StreamRef stream) {
		Objects.requireNonNull(stream, "stream must not be null");
		return this.runtime.claim(stream);
	}

	/**
	 * Finishes every owned stream of this name (the Go client's {@code DoneStream}): forgets its owner,
	 * acknowledges and deletes its LBS entry. May be retried after it threw because Redis did not answer: a done
	 * that ran after all is then reported as done, not as lost.
	 * @throws StreamNotOwnedException when this consumer owns no stream of that name, or lost it meanwhile
	 */
	public void done(String dataStreamName) {
		this.runtime.done(dataStreamName);
	}

	/**
	 * Finishes one owned stream.
	 * @throws StreamNotOwnedException when this consumer does not own it
	 */
	public void done(StreamRef stream) {
		this.runtime.done(stream);
	}

	/** The handle of {@code stream} while this consumer owns it. */
	public Optional<OwnedStream> ownedStream(StreamRef stream) {
		return this.runtime.ownedStream(stream);
	}

	/** The streams this consumer holds now. */
	public Collection<OwnedStream> ownedStreams() {
		return this.runtime.ownedStreams();
	}

	/** Finishes every owned stream (the Go client's {@code Done()} without stopping); returns how many. */
	public int doneAll() {
		return this.runtime.doneAll();
	}

	/**
	 * Stops gracefully: stops reading, releases every unfinished stream without acknowledging it, ends the session
	 * (leaving the group when nothing is pending for it) and announces itself on {@code <service>-released}, so that
	 * the surviving consumers claim its streams at once rather than after the TTL. Releases do not count towards
	 * {@code maxTakeovers}. Ends with {@link StreamNotification.Type#STREAM_TERMINATED}.
	 */
	@Override
	public void close() {
		this.runtime.close();
		if (this.holdsId.compareAndSet(true, false)) {
			ConsumerIds.release(this.options.serviceName(), this.id);
		}
	}

	/** Whether the client is started, not closed, and its LBS subscription has not given up. */
	public boolean isRunning() {
		return this.runtime.isRunning();
	}

	/**
	 * Whether the client stopped working by itself ({@link StreamNotification.Type#STREAM_TERMINATED}): its LBS
	 * reader ran out of retries, or Redis denied a permission it needs.
	 */
	public boolean isTerminated() {
		return this.runtime.isTerminated();
	}

	/** Why the client terminated by itself, as in its {@code STREAM_TERMINATED}; {@code null} while it did not. */
	public @Nullable String terminationReason() {
		return this.runtime.terminationReason();
	}

	/** Whether the LBS subscription is polling. */
	public boolean isReading() {
		return this.runtime.isReading();
	}

	/** When a read of the LBS last got an answer from Redis, with entries or without; {@code null} before the first. */
	public @Nullable Instant lastRead() {
		return this.runtime.lastRead();
	}

	/** LBS reads that failed in a row since Redis last answered this client; 0 while all is well. */
	public int readFailuresInARow() {
		return this.runtime.readFailuresInARow();
	}

	/** When the session was last renewed; {@code null} before {@link #start()}. */
	public @Nullable Instant lastRenewal() {
		return this.runtime.lastRenewal();
	}

	/** How dead consumers are detected: {@code notifications+sweep} or {@code sweep}. */
	public String expiryDetection() {
		return this.runtime.expiryDetection();
	}

	/** The lease TTL this client uses: its session's TTL. */
	public Duration leaseTtl() {
		return this.options.leaseTtl();
	}

	/**
	 * Options of a {@link RecoverableStreamClient}, with the Go client's defaults. Invalid combinations fail in
	 * {@link #build()} with an {@link InvalidOptionException} naming the option and a value that works.
	 */
	public static final class Builder {

		/** Lease TTL, the Go client's heartbeat interval: 2 s. */
		public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(2);

		/** Idle time after which a consumer name without session and without pending entries leaves the group: 40 s. */
		public static final Duration DEFAULT_LBS_IDLE_TIME = Duration.ofSeconds(40);

		/** Entries claimed per script call, at startup and on failover: 1000. */
		public static final int DEFAULT_LBS_RECOVERY_COUNT = 1000;

		/** LBS entries read per poll: 100. */
		public static final int DEFAULT_LBS_BATCH_SIZE = 100;

		/** How long one LBS poll blocks waiting for entries: 1 s. */
		public static final Duration DEFAULT_LBS_BLOCK_TIME = Duration.ofSeconds(1);

		/** Streams one consumer may hold at once: 10,000. */
		public static final int DEFAULT_MAX_OWNED_STREAMS = 10_000;

		/** Interval of the sweep for dead consumers whose session expiry notification was lost: 10 s. */
		public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);

		/** Takeovers from dead consumers after which a stream is dead-lettered as poison: 3. */
		public static final int DEFAULT_MAX_TAKEOVERS = 3;

		/** How far above its fair share a consumer may hold before it rebalances: 20 %. */
		public static final double DEFAULT_REBALANCE_TOLERANCE = 0.2;

		/** Notifications queued per lane before back-pressure: 500, the Go client's output channel size. */
		public static final int DEFAULT_NOTIFICATION_QUEUE_CAPACITY = 500;

		private final RedisConnectionFactory connectionFactory;

		private final String serviceName;

		private @Nullable String consumerId;

		private Duration leaseTtl = DEFAULT_LEASE_TTL;

		private @Nullable Duration leaseRenewalInterval;

		private Duration lbsIdleTime = DEFAULT_LBS_IDLE_TIME;

		private int lbsRecoveryCount = DEFAULT_LBS_RECOVERY_COUNT;

		private int lbsBatchSize = DEFAULT_LBS_BATCH_SIZE;

		private Duration lbsBlockTime = DEFAULT_LBS_BLOCK_TIME;

		private RetryPolicy retryPolicy = RetryPolicy.defaults();

		private boolean autoClaim;

		private int maxOwnedStreams = DEFAULT_MAX_OWNED_STREAMS;

		private KeyspaceNotifications keyspaceNotifications = KeyspaceNotifications.AUTO;

		private Duration notificationCheckInterval = Duration.ofMinutes(1);

		private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;

		private int maxTakeovers = DEFAULT_MAX_TAKEOVERS;

		private boolean rebalance;

		private double rebalanceTolerance = DEFAULT_REBALANCE_TOLERANCE;

		private int notificationQueueCapacity = DEFAULT_NOTIFICATION_QUEUE_CAPACITY;

		private int notificationThreads = 1;

		private @Nullable StreamNotificationListener listener;

		private @Nullable Object meterRegistry;

		private Builder(RedisConnectionFactory connectionFactory, String serviceName) {
			this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
			if (serviceName == null || serviceName.isBlank()) {
				throw new InvalidOptionException("serviceName", serviceName, "serviceName must not be empty", "orders");
			}
			this.serviceName = serviceName;
		}

		/** Id of this consumer, prefixed {@code redis-consumer-}; default {@code POD_NAME}, else {@code POD_IP}, else host name and pid. */
		public Builder consumerId(String consumerId) {
			this.consumerId = consumerId;
			return this;
		}

		/** How long a consumer's session lives without renewal: how fast a dead consumer's streams fail over. */
		public Builder leaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
			return this;
		}

		/** How often the session is renewed; default a third of the lease TTL, leaving two tries before expiry. */
		public Builder leaseRenewalInterval(Duration interval) {
			this.leaseRenewalInterval = interval;
			return this;
		}

		/**
		 * Idle time after which the sweep removes a consumer name from the group that has no session and nothing
		 * pending; must exceed 2 x lease TTL.
		 */
		public Builder lbsIdleTime(Duration lbsIdleTime) {
			this.lbsIdleTime = lbsIdleTime;
			return this;
		}

		/** Entries claimed per script call, at startup and on failover. */
		public Builder lbsRecoveryCount(int lbsRecoveryCount) {
			this.lbsRecoveryCount = lbsRecoveryCount;
			return this;
		}

		/** LBS entries read per poll. */
		public Builder lbsBatchSize(int lbsBatchSize) {
			this.lbsBatchSize = lbsBatchSize;
			return this;
		}

		/** How long one LBS poll blocks waiting for entries. */
		public Builder lbsBlockTime(Duration lbsBlockTime) {
			this.lbsBlockTime = lbsBlockTime;
			return this;
		}

		/** How the LBS reader retries after Redis errors. */
		public Builder retryPolicy(RetryPolicy retryPolicy) {
			this.retryPolicy = retryPolicy;
			return this;
		}

		/**
		 * Whether to claim the streams of dead consumers without a listener asking; claims arrive as claimed
		 * {@code STREAM_ADDED}. Without it each such stream is announced as {@code STREAM_EXPIRED}.
		 */
		public Builder autoClaim(boolean autoClaim) {
			this.autoClaim = autoClaim;
			return this;
		}

		/** Streams this consumer may hold at once; at the limit it neither reads new LBS entries nor claims. */
		public Builder maxOwnedStreams(int maxOwnedStreams) {
			this.maxOwnedStreams = maxOwnedStreams;
			return this;
		}

		/** Whether and how keyevent notifications are used to notice expired sessions. */
		public Builder keyspaceNotifications(KeyspaceNotifications keyspaceNotifications) {
			this.keyspaceNotifications = keyspaceNotifications;
			return this;
		}

		/** Interval of the sweep that finds dead consumers whose session expiry notification was lost. */
		public Builder sweepInterval(Duration sweepInterval) {
			this.sweepInterval = sweepInterval;
			return this;
		}

		/**
		 * How often {@code AUTO} and {@code FORCE} check that the server still publishes expired events (a restarted
		 * Redis forgets {@code CONFIG SET}); at the sweeps, once a minute by default. Not public: tests shorten it.
		 */
		Builder notificationCheckInterval(Duration interval) {
			this.notificationCheckInterval = interval;
			return this;
		}

		/** Receives the notifications. */
		public Builder listener(StreamNotificationListener listener) {
			this.listener = listener;
			return this;
		}

		/** Notifications queued per lane before the LBS reader waits (and expiry notifications are dropped). */
		public Builder notificationQueueCapacity(int capacity) {
			this.notificationQueueCapacity = capacity;
			return this;
		}

		/** Threads delivering notifications; a stream always uses the same one, so its notifications stay in order. */
		public Builder notificationThreads(int threads) {
			this.notificationThreads = threads;
			return this;
		}

		/**
		 * Takeovers from dead consumers after which a stream goes to {@code <service>-input:dlq} instead of to the next
		 * consumer (a poison stream that kills whoever processes it); 0 = never. Handoffs on close, releases and
		 * rebalancing do not count.
		 */
		public Builder maxTakeovers(int maxTakeovers) {
			this.maxTakeovers = maxTakeovers;
			return this;
		}

		/** Whether a consumer above its fair share releases the excess to consumers that joined later. */
		public Builder rebalance(boolean rebalance) {
			this.rebalance = rebalance;
			return this;
		}

		/** How far above its fair share a consumer may hold before it rebalances, as a fraction (0.2 = 20 %). */
		public Builder rebalanceTolerance(double tolerance) {
			this.rebalanceTolerance = tolerance;
			return this;
		}

		/** Where to publish the client's meters (Micrometer). */
		public Builder meterRegistry(MeterRegistry meterRegistry) {
			this.meterRegistry = meterRegistry;
			return this;
		}

		private Duration leaseRenewalInterval() {
			return (this.leaseRenewalInterval != null) ? this.leaseRenewalInterval : this.leaseTtl.dividedBy(3);
		}

		/**
		 * Validates the options and builds a client; {@link RecoverableStreamClient#start()} starts it. The client
		 * keeps a copy of the options: changing this builder afterwards does not change it.
		 */
		public RecoverableStreamClient build() {
			return new RecoverableStreamClient(options());
		}

		/** The one place that validates the options; the exception names the option that is wrong, and a fix. */
		ClientOptions options() {
			requirePositive("leaseTtl", this.leaseTtl, "2s");
			requirePositive("lbsIdleTime", this.lbsIdleTime, "40s");
			requirePositive("lbsBlockTime", this.lbsBlockTime, "1s");
			requirePositive("sweepInterval", this.sweepInterval, "10s");
			Objects.requireNonNull(this.retryPolicy, "retryPolicy must not be null");
			Objects.requireNonNull(this.keyspaceNotifications, "keyspaceNotifications must not be null");
			if (this.lbsIdleTime.compareTo(this.leaseTtl.multipliedBy(2)) <= 0) {
				throw new InvalidOptionException("lbsIdleTime", this.lbsIdleTime, "lbsIdleTime ("
						+ InvalidOptionException.format(this.lbsIdleTime) + ") must be greater than 2 x leaseTtl ("
						+ InvalidOptionException.format(this.leaseTtl)
						+ "), or names of consumers that only paused would be removed from the group",
						InvalidOptionException.format(this.leaseTtl.multipliedBy(20)));
			}
			Duration renewal = leaseRenewalInterval();
			requirePositive("leaseRenewalInterval", renewal, InvalidOptionException.format(this.leaseTtl.dividedBy(3)));
			if (renewal.compareTo(this.leaseTtl) >= 0) {
				throw new InvalidOptionException("leaseRenewalInterval", renewal,
						"leaseRenewalInterval (" + InvalidOptionException.format(renewal)
								+ ") must be shorter than leaseTtl (" + InvalidOptionException.format(this.leaseTtl)
								+ "): the session must be renewed before it expires",
						InvalidOptionException.format(this.leaseTtl.dividedBy(3)));
			}
			requirePositive("lbsRecoveryCount", this.lbsRecoveryCount, "1000");
			requirePositive("lbsBatchSize", this.lbsBatchSize, "100");
			requirePositive("maxOwnedStreams", this.maxOwnedStreams, "10000");
			if (this.maxTakeovers < 0) {
				throw new InvalidOptionException("maxTakeovers", this.maxTakeovers,
						"maxTakeovers must be 0 (never dead-letter) or more, but was " + this.maxTakeovers, "3");
			}
			if (!(this.rebalanceTolerance >= 0) || Double.isInfinite(this.rebalanceTolerance)) {
				throw new InvalidOptionException("rebalanceTolerance", this.rebalanceTolerance,
						"rebalanceTolerance must be 0 or more (0.2 = 20 %), but was " + this.rebalanceTolerance, "0.2");
			}
			requirePositive("notificationQueueCapacity", this.notificationQueueCapacity, "10000");
			requirePositive("notificationThreads", this.notificationThreads, "1");
			if (this.consumerId != null && this.consumerId.isBlank()) {
				throw new InvalidOptionException("consumerId", this.consumerId, "consumerId must not be blank",
						"pod-a");
			}
			if (this.consumerId != null && this.consumerId.chars().anyMatch((c) -> c == ',' || c == '\n' || c == '\r')) {
				throw new InvalidOptionException("consumerId", this.consumerId,
						"consumerId must not contain ',' or a line break (they separate consumer ids in the messages "
								+ "on <service>-released), but was '" + this.consumerId + "'",
						"pod-a");
			}
			return new ClientOptions(this.connectionFactory, this.serviceName, this.consumerId, this.leaseTtl, renewal,
					this.lbsIdleTime, this.lbsRecoveryCount, this.lbsBatchSize, this.lbsBlockTime, this.retryPolicy,
					this.autoClaim, this.maxOwnedStreams, this.keyspaceNotifications, this.notificationCheckInterval,
					this.sweepInterval, this.notificationQueueCapacity, this.notificationThreads, this.listener,
					this.meterRegistry, this.maxTakeovers, this.rebalance, this.rebalanceTolerance);
		}

		private static void requirePositive(String option, @Nullable Duration value, String example) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new InvalidOptionException(option, value,
						option + " must be a positive duration, but was " + InvalidOptionException.format(value), example);
			}
		}

		private static void requirePositive(String option, int value, String example) {
			if (value <= 0) {
				throw new InvalidOptionException(option, value, option + " must be greater than 0, but was " + value,
						example);
			}
		}

	}

}
