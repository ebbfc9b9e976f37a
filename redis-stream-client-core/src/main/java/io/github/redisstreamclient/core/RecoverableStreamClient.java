package io.github.redisstreamclient.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.Assignments;
import io.github.redisstreamclient.core.internal.Claims;
import io.github.redisstreamclient.core.internal.ClientMetrics;
import io.github.redisstreamclient.core.internal.DeadConsumerDetector;
import io.github.redisstreamclient.core.internal.GroupReader;
import io.github.redisstreamclient.core.internal.Lease;
import io.github.redisstreamclient.core.internal.LeaseRegistry;
import io.github.redisstreamclient.core.internal.MicrometerClientMetrics;
import io.github.redisstreamclient.core.internal.NotificationDispatcher;
import io.github.redisstreamclient.core.internal.Ownership;
import io.github.redisstreamclient.core.internal.OwnershipStore;
import io.github.redisstreamclient.core.internal.Rebalancer;
import io.github.redisstreamclient.core.internal.RestartGrace;
import io.github.redisstreamclient.core.internal.ServiceKeys;
import io.github.redisstreamclient.core.internal.SessionRenewer;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A consumer of a service's Load Balancer Stream that owns data streams and recovers the streams of consumers that
 * die, stall or shut down. The Java counterpart of the Go client's {@code RecoverableRedisStreamClient}.
 * <p>
 * Liveness is one session key per consumer, renewed with one command per tick whatever it holds; a stream's owner is
 * written to the owner hash once, with its fencing token, when it changes hands (DESIGN.md, "ownership v2"). This
 * class only wires the parts together and keeps the client's state: {@link SessionRenewer} keeps the session,
 * {@link GroupReader} and {@link Assignments} take new LBS entries, {@link DeadConsumerDetector} notices consumers that
 * are gone and {@link Claims} takes their streams over, {@link Rebalancer} spreads streams to newcomers.
 * <p>
 * Build one with {@link #builder(RedisConnectionFactory, String)}, {@link #start()} it, process the streams it
 * announces as {@link StreamNotification.Type#STREAM_ADDED}, call {@link #done(String)} for each finished stream and
 * {@link #close()} it on shutdown: unfinished streams are then handed to the other consumers at once.
 */
public final class RecoverableStreamClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RecoverableStreamClient.class);

	private final ClientOptions options;

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final String id;

	private final ClientMetrics metrics;

	private final LeaseRegistry registry;

	private final OwnershipStore store;

	private final NotificationDispatcher dispatcher;

	private final Ownership ownership;

	private final SessionRenewer renewer;

	private final DeadConsumerDetector detector;

	private final RestartGrace grace;

	private final Claims claims;

	private final Rebalancer rebalancer;

	private final GroupReader reader;

	private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

	private volatile @Nullable String terminationReason;

	private RecoverableStreamClient(ClientOptions options) {
		this.options = options;
		this.redis = new StringRedisTemplate(options.connectionFactory());
		this.keys = new ServiceKeys(options.serviceName());
		this.id = ConsumerIds.resolve(options.consumerId(), System.getenv());
		this.metrics = (options.meterRegistry() != null)
				? new MicrometerClientMetrics((MeterRegistry) options.meterRegistry(), options.serviceName())
				: ClientMetrics.NOOP;
		this.registry = new LeaseRegistry(options.maxOwnedStreams());
		this.metrics.ownedStreams(this.registry::size);
		this.store = new OwnershipStore(this.redis, this.keys, this.id, options.leaseTtl(), options.maxTakeovers());
		this.dispatcher = new NotificationDispatcher("rsc-notify-" + this.id, options.notificationThreads(),
				options.notificationQueueCapacity(), options.listener(), this.metrics);
		this.ownership = new Ownership(this.id, this.keys, this.redis, this.store, this.registry, this.dispatcher,
				this.metrics, options.maxTakeovers(), this::announceReleased);
		this.grace = new RestartGrace(this.redis, options.restartGrace());
		this.detector = new DeadConsumerDetector(this.id, options.connectionFactory(), this.redis, this.keys,
				this.store, options.keyspaceNotifications(), options.sweepInterval(), options.lbsIdleTime(),
				options.notificationCheckInterval(), this.metrics, new DetectorEvents());
		this.claims = new Claims(this.ownership, this.detector, this.grace, options.autoClaim(),
				options.lbsRecoveryCount());
		this.rebalancer = new Rebalancer(this.ownership, options.rebalanceTolerance());
		this.renewer = new SessionRenewer(this.id, this.store, this.registry, options.lbsRecoveryCount(),
				options.leaseRenewalInterval(), this.metrics, new RenewerEvents());
		Assignments assignments = new Assignments(this.ownership, options.lbsBatchSize(), this.renewer::epoch,
				() -> this.state.get() == State.RUNNING);
		this.reader = new GroupReader("rsc-lbs-" + this.id, options.connectionFactory(), this.keys.group(), this.id,
				List.of(this.keys.lbs()), options.lbsBlockTime(), options.retryPolicy(), assignments, assignments,
				this::onReadFailed, this::onReaderTerminated);
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
	 * @throws org.springframework.dao.PermissionDeniedDataAccessException when the Redis user lacks a permission
	 * these steps need; the message names the command, key or channel and what to grant
	 */
	public void start() {
		if (!this.state.compareAndSet(State.NEW, State.RUNNING)) {
			throw new IllegalStateException("Client " + this.id + " was already started (state " + this.state.get() + ")");
		}
		try {
			long epoch = this.renewer.start();
			createGroup("$");
			this.dispatcher.start();
			this.detector.start();
			this.claims.recover(epoch);
			this.reader.probe();
			this.reader.start();
		}
		catch (RuntimeException ex) {
			// Leave nothing running behind a failed start; streams recovered so far are handed off again.
			close();
			throw AclDenials.translate(ex, "starting consumer " + this.id + " of '" + this.keys.lbs() + "'");
		}
		logger.info("Consumer {} started on {} (lease TTL {} ms, expiry detection: {})", this.id, this.keys.lbs(),
				this.options.leaseTtl().toMillis(), this.detector.detectionMode());
	}

	/** This consumer's id, {@code redis-consumer-<id>}: its name in the consumer group and in the owner hash. */
	public String id() {
		return this.id;
	}

	/** The service this client consumes. */
	public String serviceName() {
		return this.keys.service();
	}

	/**
	 * Takes over a stream whose owner is gone (or that was released), typically on
	 * {@link StreamNotification.Type#STREAM_EXPIRED}. Claims race safely: exactly one consumer wins.
	 * @return {@code true} when this consumer now owns the stream; {@code false} when another consumer holds it, it
	 * is finished, or this consumer is at {@code maxOwnedStreams}
	 */
	public boolean claim(StreamRef stream) {
		Objects.requireNonNull(stream, "stream must not be null");
		requireRunning();
		if (this.registry.holds(stream.lbsEntryId())) {
			return false;
		}
		return this.claims.claimEntries(List.of(stream.lbsEntryId()), 0) == 1;
	}

	/**
	 * Finishes every owned stream of this name (the Go client's {@code DoneStream}): forgets its owner,
	 * acknowledges and deletes its LBS entry. May be retried after it threw because Redis did not answer: a done
	 * that ran after all is then reported as done, not as lost.
	 * @throws StreamNotOwnedException when this consumer owns no stream of that name, or lost it meanwhile
	 */
	public void done(String dataStreamName) {
		List<Lease> leases = this.registry.byName(dataStreamName);
		if (leases.isEmpty()) {
			leases = this.registry.finishedInDoubtByName(dataStreamName);
		}
		if (leases.isEmpty()) {
			throw new StreamNotOwnedException(
					"Consumer " + this.id + " does not own stream '" + dataStreamName + "' (never did, done, or lost)");
		}
		for (Lease lease : leases) {
			lease.done();
		}
	}

	/**
	 * Finishes one owned stream.
	 * @throws StreamNotOwnedException when this consumer does not own it
	 */
	public void done(StreamRef stream) {
		Lease lease = this.registry.byEntryId(stream.lbsEntryId());
		if (lease == null) {
			lease = this.registry.finishedInDoubt(stream.lbsEntryId());
		}
		if (lease == null || !lease.name().equals(stream.dataStreamName())) {
			throw new StreamNotOwnedException("Consumer " + this.id + " does not own " + stream);
		}
		lease.done();
	}

	/** The handle of {@code stream} while this consumer owns it. */
	public Optional<OwnedStream> ownedStream(StreamRef stream) {
		Lease lease = this.registry.byEntryId(stream.lbsEntryId());
		return (lease != null && lease.name().equals(stream.dataStreamName())) ? Optional.of(lease)
				: Optional.empty();
	}

	/** The streams this consumer holds now. */
	public Collection<OwnedStream> ownedStreams() {
		return List.copyOf(this.registry.all());
	}

	/** Finishes every owned stream (the Go client's {@code Done()} without stopping); returns how many. */
	public int doneAll() {
		int finished = 0;
		for (Lease lease : this.registry.all()) {
			try {
				lease.done();
				finished++;
			}
			catch (StreamNotOwnedException ex) {
				logger.warn(ex.getMessage());
			}
		}
		return finished;
	}

	/**
	 * Stops gracefully: stops reading, releases every unfinished stream without acknowledging it, ends the session
	 * (leaving the group when nothing is pending for it) and announces itself on {@code <service>-released}, so that
	 * the surviving consumers claim its streams at once rather than after the TTL. Releases do not count towards
	 * {@code maxTakeovers}. Ends with {@link StreamNotification.Type#STREAM_TERMINATED}.
	 */
	@Override
	public void close() {
		State previous = this.state.getAndSet(State.CLOSED);
		if (previous == State.CLOSED) {
			return;
		}
		if (previous == State.NEW) {
			this.dispatcher.close(Duration.ZERO);
			return;
		}
		this.reader.stop();
		this.detector.stop();
		// No reconcile may run after the release below, or it would report the released streams lost.
		this.renewer.stop();
		handOff();
		if (previous != State.TERMINATED) {
			this.dispatcher.dispatch(StreamNotification.terminated("closed"));
		}
		this.dispatcher.close(Duration.ofSeconds(5));
		logger.info("Consumer {} closed", this.id);
	}

	private void handOff() {
		List<Lease> leaving = new ArrayList<>(this.registry.all());
		// Each step on its own, so that a refused release does not keep the others from hearing that this consumer
		// left; but when Redis does not answer, the rest would only wait out a command timeout each.
		boolean reachable = handOffStep("releasing " + leaving.size() + " stream(s) (release.lua)", () -> {
			int released = this.ownership.operations().release(leaving, null);
			if (released > 0) {
				logger.info("Consumer {} handed off {} stream(s)", this.id, released);
			}
		});
		reachable = reachable && handOffStep("ending the session (session-end.lua)",
				() -> this.store.endSession(this.renewer.epoch()));
		if (reachable) {
			handOffStep("announcing the close (PUBLISH to '" + this.keys.releasedChannel() + "')",
					this.detector::announceClosed);
		}
		for (Lease lease : leaving) {
			if (lease.end(Lease.State.RELEASED)) {
				this.registry.remove(lease);
			}
		}
	}

	/** Runs one step of the handoff; false when Redis did not answer (as opposed to answering with an error). */
	private boolean handOffStep(String doing, Runnable step) {
		try {
			step.run();
			return true;
		}
		catch (RuntimeException ex) {
			String denied = AclDenials.explain(ex, "handing off streams on close: " + doing);
			logger.warn("Consumer {}: {} failed; what was not handed off fails over when the session expires: {}",
					this.id, doing, (denied != null) ? denied : ex.toString());
			return denied != null || GroupReader.causedBy(ex, "ERR");
		}
	}

	private void announceReleased(List<String> entryIds) {
		if (this.state.get() == State.RUNNING) {
			this.detector.announceReleased(entryIds);
		}
	}

	/** Whether the client is started, not closed, and its LBS subscription has not given up. */
	public boolean isRunning() {
		return this.state.get() == State.RUNNING;
	}

	/**
	 * Whether the client stopped working by itself ({@link StreamNotification.Type#STREAM_TERMINATED}): its LBS
	 * reader ran out of retries, or Redis denied a permission it needs.
	 */
	public boolean isTerminated() {
		return this.state.get() == State.TERMINATED;
	}

	/** Why the client terminated by itself, as in its {@code STREAM_TERMINATED}; {@code null} while it did not. */
	public @Nullable String terminationReason() {
		return this.terminationReason;
	}

	/** Whether the LBS subscription is polling. */
	public boolean isReading() {
		return this.reader.isRunning();
	}

	/** When the session was last renewed; {@code null} before {@link #start()}. */
	public @Nullable Instant lastRenewal() {
		return this.renewer.lastSuccess();
	}

	/** How dead consumers are detected: {@code notifications+sweep} or {@code sweep}. */
	public String expiryDetection() {
		return this.detector.detectionMode();
	}

	/** The lease TTL this client uses: its session's TTL. */
	public Duration leaseTtl() {
		return this.options.leaseTtl();
	}

	private void requireRunning() {
		State current = this.state.get();
		if (current != State.RUNNING) {
			throw new IllegalStateException("Client " + this.id + " is " + current + ", not running");
		}
	}

	private void createGroup(String offset) {
		byte[] lbs = this.keys.lbs().getBytes(StandardCharsets.UTF_8);
		try {
			this.redis.execute((RedisCallback<String>) (connection) -> connection.streamCommands()
				.xGroupCreate(lbs, this.keys.group(), ReadOffset.from(offset), true));
		}
		catch (RuntimeException ex) {
			if (!GroupReader.causedBy(ex, "BUSYGROUP")) {
				throw AclDenials.translate(ex,
						"XGROUP CREATE of group '" + this.keys.group() + "' on '" + this.keys.lbs() + "'");
			}
		}
	}

	private void onReadFailed(RuntimeException error) {
		if (GroupReader.causedBy(error, "NOGROUP")) {
			// Redis lost the group (a restart without persistence): entries added since are read from the start.
			createGroup("0");
		}
	}

	private void onReaderTerminated(String reason) {
		if (this.state.compareAndSet(State.RUNNING, State.TERMINATED)) {
			this.terminationReason = reason;
			this.dispatcher.dispatch(StreamNotification.terminated(reason));
		}
	}

	/** What the session renewer reports. */
	private final class RenewerEvents implements SessionRenewer.Events {

		@Override
		public void lost(Lease lease) {
			registry.remove(lease);
			metrics.disowned();
			logger.warn("Consumer {} lost '{}' ({}): taken over while its session had lapsed", id, lease.name(),
					lease.entryId());
			dispatcher.dispatch(StreamNotification.disowned(lease.ref(), lease.info(), lease.fencingToken(),
					"taken over: another consumer claimed the stream while this consumer's session had lapsed"));
		}

		@Override
		public void finishedInDoubt(Lease lease) {
			registry.removeFinishedInDoubt(lease);
			logger.debug("Consumer {}: '{}' ({}) is finished, found while its done() was not answered", id,
					lease.name(), lease.entryId());
		}

		@Override
		public void redisAnswered() {
			reader.redisAnswered();
		}

		@Override
		public void redisReturned() {
			grace.redisReturned();
			detector.redisReturned();
		}

		@Override
		public void denied(String reason) {
			// Something every stream needs (a permission) is missing: stop reading and terminate.
			reader.stop();
			onReaderTerminated(reason);
		}

	}

	/** What the dead-consumer detector hands over, on its worker thread. */
	private final class DetectorEvents implements DeadConsumerDetector.Handler {

		@Override
		public void consumerGone(String consumer, long detectedAtNanos, boolean closed) {
			claims.consumerGone(consumer, detectedAtNanos, closed);
		}

		@Override
		public void streamsReleased(String releaser, List<String> entryIds, long detectedAtNanos) {
			claims.streamsReleased(releaser, entryIds, detectedAtNanos);
		}

		@Override
		public void ownSessionExpired() {
			renewer.tickSoon();
		}

		@Override
		public void periodic() {
			if (options.rebalance() && state.get() == State.RUNNING) {
				rebalancer.rebalance();
			}
		}

		@Override
		public void redisAnswered() {
			reader.redisAnswered();
		}

	}

	private enum State {

		NEW, RUNNING, TERMINATED, CLOSED

	}

	/**
	 * Options of a {@link RecoverableStreamClient}, with the Go client's defaults. Invalid combinations fail in
	 * {@link #build()} with an {@link IllegalArgumentException} naming the option.
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
				throw new IllegalArgumentException("serviceName must not be empty");
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

		/** The one place that validates the options; the message names the option that is wrong. */
		ClientOptions options() {
			requirePositive("leaseTtl", this.leaseTtl);
			requirePositive("lbsIdleTime", this.lbsIdleTime);
			requirePositive("lbsBlockTime", this.lbsBlockTime);
			requirePositive("sweepInterval", this.sweepInterval);
			Objects.requireNonNull(this.retryPolicy, "retryPolicy must not be null");
			Objects.requireNonNull(this.keyspaceNotifications, "keyspaceNotifications must not be null");
			if (this.lbsIdleTime.compareTo(this.leaseTtl.multipliedBy(2)) <= 0) {
				throw new IllegalArgumentException("lbsIdleTime (" + this.lbsIdleTime
						+ ") must be greater than 2 x leaseTtl (" + this.leaseTtl
						+ "), or names of consumers that only paused would be removed from the group");
			}
			Duration renewal = leaseRenewalInterval();
			requirePositive("leaseRenewalInterval", renewal);
			if (renewal.compareTo(this.leaseTtl) >= 0) {
				throw new IllegalArgumentException("leaseRenewalInterval (" + renewal
						+ ") must be shorter than leaseTtl (" + this.leaseTtl + ")");
			}
			requirePositive("lbsRecoveryCount", this.lbsRecoveryCount);
			requirePositive("lbsBatchSize", this.lbsBatchSize);
			requirePositive("maxOwnedStreams", this.maxOwnedStreams);
			if (this.maxTakeovers < 0) {
				throw new IllegalArgumentException(
						"maxTakeovers must be 0 (never dead-letter) or more, but was " + this.maxTakeovers);
			}
			if (!(this.rebalanceTolerance >= 0) || Double.isInfinite(this.rebalanceTolerance)) {
				throw new IllegalArgumentException(
						"rebalanceTolerance must be 0 or more (0.2 = 20 %), but was " + this.rebalanceTolerance);
			}
			requirePositive("notificationQueueCapacity", this.notificationQueueCapacity);
			requirePositive("notificationThreads", this.notificationThreads);
			if (this.consumerId != null && this.consumerId.isBlank()) {
				throw new IllegalArgumentException("consumerId must not be blank");
			}
			return new ClientOptions(this.connectionFactory, this.serviceName, this.consumerId, this.leaseTtl, renewal,
					this.lbsIdleTime, this.lbsRecoveryCount, this.lbsBatchSize, this.lbsBlockTime, this.retryPolicy,
					this.autoClaim, this.maxOwnedStreams, this.keyspaceNotifications, this.notificationCheckInterval,
					this.sweepInterval, this.notificationQueueCapacity, this.notificationThreads, this.listener,
					this.meterRegistry, this.maxTakeovers, this.rebalance, this.rebalanceTolerance);
		}

		private static void requirePositive(String option, @Nullable Duration value) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(option + " must be a positive duration, but was " + value);
			}
		}

		private static void requirePositive(String option, int value) {
			if (value <= 0) {
				throw new IllegalArgumentException(option + " must be greater than 0, but was " + value);
			}
		}

	}

}
