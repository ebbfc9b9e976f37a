package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.StreamNotOwnedException;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One consumer at work: wires the parts of ownership v2 together and runs their life cycle, behind the public
 * {@code RecoverableStreamClient}. {@link SessionRenewer} keeps the session, {@link GroupReader} and
 * {@link Assignments} take new LBS entries, {@link DeadConsumerDetector} notices consumers that are gone and
 * {@link Claims} takes their streams over, {@link Rebalancer} spreads streams to newcomers; on close the unfinished
 * streams are handed off. Everything it wires is package-private.
 */
public final class ConsumerRuntime {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerRuntime.class);

	private final ClientOptions options;

	private final String id;

	private final ServiceKeys keys;

	private final StringRedisTemplate redis;

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

	private final @Nullable LbsBacklog backlog;

	private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

	private volatile @Nullable String terminationReason;

	public ConsumerRuntime(ClientOptions options, String consumerId) {
		this.options = options;
		this.id = consumerId;
		this.keys = new ServiceKeys(options.serviceName());
		this.redis = new StringRedisTemplate(options.connectionFactory());
		this.metrics = (options.meterRegistry() != null)
				? new MicrometerClientMetrics((MeterRegistry) options.meterRegistry(), options.serviceName())
				: ClientMetrics.NOOP;
		this.registry = new LeaseRegistry(options.maxOwnedStreams());
		this.metrics.ownedStreams(this.registry::size);
		this.backlog = this.metrics.enabled() ? new LbsBacklog(this.redis, this.keys.lbs(), this.keys.group()) : null;
		if (this.backlog != null) {
			this.metrics.backlog(this.backlog);
		}
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
				options.lbsRecoveryCount(), options.sweepInterval());
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
	 * Starts the session, creates the group if needed, subscribes, recovers what an earlier process under this id
	 * and dead consumers held, probes the LBS read, then renews and reads. Leaves nothing running when it fails.
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
			refreshBacklog();
		}
		catch (RuntimeException ex) {
			// Streams recovered so far are handed off again.
			close();
			throw AclDenials.translate(ex, "starting consumer " + this.id + " of '" + this.keys.lbs() + "'");
		}
		logger.info("Consumer {} started on {} (lease TTL {} ms, expiry detection: {})", this.id, this.keys.lbs(),
				this.options.leaseTtl().toMillis(), this.detector.detectionMode());
	}

	/** Claims one LBS entry whose owner is gone or that was released; false when another consumer holds it. */
	public boolean claim(StreamRef stream) {
		requireRunning();
		if (this.registry.holds(stream.lbsEntryId())) {
			return false;
		}
		return this.claims.claimEntries(List.of(stream.lbsEntryId()), 0) == 1;
	}

	/** Finishes every owned stream of this name; see {@code RecoverableStreamClient#done(String)}. */
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

	/** Finishes one owned stream; see {@code RecoverableStreamClient#done(StreamRef)}. */
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

	public Optional<OwnedStream> ownedStream(StreamRef stream) {
		Lease lease = this.registry.byEntryId(stream.lbsEntryId());
		return (lease != null && lease.name().equals(stream.dataStreamName())) ? Optional.of(lease)
				: Optional.empty();
	}

	public Collection<OwnedStream> ownedStreams() {
		return List.copyOf(this.registry.all());
	}

	/** Finishes every owned stream; returns how many. */
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
	 * Stops reading, releases every unfinished stream, ends the session and announces the close, then ends with
	 * {@code STREAM_TERMINATED}. Idempotent.
	 */
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
		if (this.backlog != null) {
			this.backlog.clear();
		}
		logger.info("Consumer {} closed", this.id);
	}

	public boolean isRunning() {
		return this.state.get() == State.RUNNING;
	}

	public boolean isTerminated() {
		return this.state.get() == State.TERMINATED;
	}

	public @Nullable String terminationReason() {
		return this.terminationReason;
	}

	public boolean isReading() {
		return this.reader.isRunning();
	}

	public @Nullable Instant lastRead() {
		return this.reader.lastRead();
	}

	public int readFailuresInARow() {
		return this.reader.failuresInARow();
	}

	public @Nullable Instant lastRenewal() {
		return this.renewer.lastSuccess();
	}

	public String expiryDetection() {
		return this.detector.detectionMode();
	}

	private void requireRunning() {
		State current = this.state.get();
		if (current != State.RUNNING) {
			throw new IllegalStateException("Client " + this.id + " is " + current + ", not running");
		}
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

	/** On the detector's periodic tick (every sweep interval) rather than per scrape: one XINFO GROUPS per tick. */
	private void refreshBacklog() {
		if (this.backlog != null) {
			this.backlog.refresh();
		}
	}

	private void announceReleased(List<String> entryIds) {
		if (this.state.get() == State.RUNNING) {
			this.detector.announceReleased(entryIds);
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
			refreshBacklog();
		}

		@Override
		public void redisAnswered() {
			reader.redisAnswered();
		}

	}

	private enum State {

		NEW, RUNNING, TERMINATED, CLOSED

	}

}
