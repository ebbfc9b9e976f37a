package io.github.redisstreamclient.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.ClientMetrics;
import io.github.redisstreamclient.core.internal.EntryFields;
import io.github.redisstreamclient.core.internal.ExpiryDetector;
import io.github.redisstreamclient.core.internal.GroupReader;
import io.github.redisstreamclient.core.internal.LbsMessages;
import io.github.redisstreamclient.core.internal.LbsMessages.LbsMessage;
import io.github.redisstreamclient.core.internal.LbsMessages.MalformedEntryException;
import io.github.redisstreamclient.core.internal.Lease;
import io.github.redisstreamclient.core.internal.LeaseRegistry;
import io.github.redisstreamclient.core.internal.LeaseRenewer;
import io.github.redisstreamclient.core.internal.LeaseStore;
import io.github.redisstreamclient.core.internal.LeaseStore.ClaimResult;
import io.github.redisstreamclient.core.internal.MicrometerClientMetrics;
import io.github.redisstreamclient.core.internal.NotificationDispatcher;
import io.github.redisstreamclient.core.internal.ServiceKeys;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A consumer of a service's Load Balancer Stream that owns data streams through leases and recovers the streams of
 * consumers that die, stall or shut down. The Java counterpart of the Go client's {@code RecoverableRedisStreamClient}.
 * <p>
 * Build one with {@link #builder(RedisConnectionFactory, String)}, {@link #start()} it, process the streams it
 * announces as {@link StreamNotification.Type#STREAM_ADDED}, call {@link #done(String)} for each finished stream and
 * {@link #close()} it on shutdown: unfinished streams are then handed to the other consumers at once.
 */
public final class RecoverableStreamClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RecoverableStreamClient.class);

	private static final int CLAIM_BATCH = 10;

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final String id;

	private final Builder options;

	private final ClientMetrics metrics;

	private final LeaseRegistry registry;

	private final LeaseStore store;

	private final NotificationDispatcher dispatcher;

	private final LeaseRenewer renewer;

	private final ExpiryDetector detector;

	private final GroupReader reader;

	private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

	private volatile @Nullable String terminationReason;

	private final Lease.LeaseOwner leaseOwner = new OwnedStreamOperations();

	private RecoverableStreamClient(Builder options) {
		this.options = options;
		this.redis = new StringRedisTemplate(options.connectionFactory);
		this.keys = new ServiceKeys(options.serviceName);
		this.id = ConsumerIds.resolve(options.consumerId, System.getenv());
		this.metrics = (options.meterRegistry != null)
				? new MicrometerClientMetrics((MeterRegistry) options.meterRegistry, options.serviceName)
				: ClientMetrics.NOOP;
		this.registry = new LeaseRegistry(options.maxOwnedStreams);
		this.metrics.ownedStreams(this.registry::size);
		this.store = new LeaseStore(this.redis, this.keys, this.id, options.leaseTtl);
		this.dispatcher = new NotificationDispatcher("rsc-notify-" + this.id, options.notificationThreads,
				options.notificationQueueCapacity, options.listener, this.metrics);
		this.reader = new GroupReader("rsc-lbs-" + this.id, options.connectionFactory, this.keys.group(), this.id,
				List.of(this.keys.lbs()), options.lbsBlockTime, options.retryPolicy, this::reserveForRead,
				this::onLbsBatch, this::onReadFailed, this::onReaderTerminated);
		this.renewer = new LeaseRenewer(this.id, this.registry, this.store, options.leaseRenewalBatchSize,
				options.leaseRenewalInterval(), this.metrics, this::onLeaseLost, this::onFinishedInDoubt,
				this.reader::redisAnswered, this::terminate);
		this.detector = new ExpiryDetector(this.id, options.connectionFactory, this.redis, this.keys, this.store,
				options.keyspaceNotifications, options.leaseTtl, options.sweepInterval,
				options.notificationCheckInterval, this.metrics, this::onExpired, this.reader::redisAnswered);
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
	 * Joins the consumer group and starts working (the Go client's {@code Init}): creates the group if needed,
	 * subscribes to expiry notifications, recovers LBS entries idle longer than {@code lbsIdleTime} whose lease is
	 * gone, checks that it may read the LBS, then renews leases and reads new LBS entries.
	 * @throws org.springframework.dao.PermissionDeniedDataAccessException when the Redis user lacks a permission
	 * these steps need; the message names the command, key or channel and what to grant
	 */
	public void start() {
		if (!this.state.compareAndSet(State.NEW, State.RUNNING)) {
			throw new IllegalStateException("Client " + this.id + " was already started (state " + this.state.get() + ")");
		}
		try {
			createGroup("$");
			this.dispatcher.start();
			this.detector.start();
			recover();
			this.reader.probe();
			this.renewer.start();
			this.reader.start();
		}
		catch (RuntimeException ex) {
			// Leave nothing running behind a failed start; streams recovered so far are handed off again.
			close();
			throw AclDenials.translate(ex, "starting consumer " + this.id + " of '" + this.keys.lbs() + "'");
		}
		logger.info("Consumer {} started on {} (lease TTL {} ms, expiry detection: {})", this.id, this.keys.lbs(),
				this.options.leaseTtl.toMillis(), this.detector.detectionMode());
	}

	/** This consumer's id, {@code redis-consumer-<id>}: its name in the consumer group and in its lease values. */
	public String id() {
		return this.id;
	}

	/** The service this client consumes. */
	public String serviceName() {
		return this.keys.service();
	}

	/**
	 * Takes over a stream whose lease expired, typically on {@link StreamNotification.Type#STREAM_EXPIRED}. Claims
	 * race safely: exactly one consumer wins.
	 * @return {@code true} when this consumer now owns the stream; {@code false} when another consumer holds it, it
	 * is finished, or this consumer is at {@code maxOwnedStreams}
	 */
	public boolean claim(StreamRef stream) {
		Objects.requireNonNull(stream, "stream must not be null");
		requireRunning();
		if (this.registry.holds(stream.lbsEntryId())) {
			return false;
		}
		if (this.registry.tryReservePermits(1) == 0) {
			this.metrics.claim("limit", 1);
			return false;
		}
		List<ClaimResult> results;
		try {
			results = this.store.claim(List.of(stream.lbsEntryId()));
		}
		catch (RuntimeException ex) {
			this.registry.returnPermits(1);
			throw ex;
		}
		return accept(results.get(0), false, 0) != null;
	}

	/**
	 * Finishes every owned stream of this name (the Go client's {@code DoneStream}): releases the lease,
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
			done(lease);
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
		done(lease);
	}

	private void done(Lease lease) {
		if (lease.state() == Lease.State.DONE) {
			return; // done() is idempotent: finished is finished
		}
		if (!lease.startFinishing()) {
			throw new StreamNotOwnedException(
					"Stream '" + lease.name() + "' (" + lease.entryId() + ") is no longer owned: " + lease.state());
		}
		// When Redis does not answer, the lease stays FINISHING and this throws: Redis may have run the script or
		// not. The lease is still renewed meanwhile, done() may be called again, and the renewer learns the outcome.
		LeaseStore.DoneOutcome outcome = this.store.done(lease);
		if (outcome == LeaseStore.DoneOutcome.NOT_OWNER) {
			if (lease.end(Lease.State.LOST)) {
				this.registry.remove(lease);
				this.metrics.disowned();
			}
			throw new StreamNotOwnedException("Stream '" + lease.name() + "' (" + lease.entryId()
					+ ") was taken over by another consumer before done");
		}
		if (outcome == LeaseStore.DoneOutcome.ALREADY_FINISHED) {
			logger.debug("Stream '{}' ({}) was already finished: an earlier done() whose answer was lost ran after all",
					lease.name(), lease.entryId());
		}
		lease.finish();
		this.registry.remove(lease);
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
				done(lease);
				finished++;
			}
			catch (StreamNotOwnedException ex) {
				logger.warn(ex.getMessage());
			}
		}
		return finished;
	}

	/**
	 * Stops gracefully: stops reading, releases every unfinished lease without acknowledging it and announces the
	 * streams on {@code <service>-released}, so that the surviving consumers claim them at once rather than after the
	 * lease TTL. Ends with {@link StreamNotification.Type#STREAM_TERMINATED}.
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
		// No renewal may run after the release below, or it would take the released leases again.
		this.renewer.stop();
		handOff();
		if (previous != State.TERMINATED) {
			this.dispatcher.dispatch(StreamNotification.terminated("closed"));
		}
		this.dispatcher.close(Duration.ofSeconds(5));
		logger.info("Consumer {} closed", this.id);
	}

	private void handOff() {
		List<Lease> leaving = new ArrayList<>();
		for (Lease lease : this.registry.all()) {
			if (lease.end(Lease.State.RELEASED)) {
				leaving.add(lease);
			}
		}
		int batchSize = this.options.leaseRenewalBatchSize;
		for (int from = 0; from < leaving.size(); from += batchSize) {
			List<Lease> batch = leaving.subList(from, Math.min(from + batchSize, leaving.size()));
			try {
				this.store.release(batch);
				this.redis.convertAndSend(this.keys.releasedChannel(),
						String.join(",", batch.stream().map(Lease::entryId).toList()));
			}
			catch (RuntimeException ex) {
				String denied = AclDenials.explain(ex, "handing off streams on close (release.lua, PUBLISH to '"
						+ this.keys.releasedChannel() + "')");
				logger.warn("Handing off {} stream(s) failed, they fail over when their lease expires: {}",
						batch.size(), (denied != null) ? denied : ex.toString());
			}
			batch.forEach(this.registry::remove);
		}
		if (!leaving.isEmpty()) {
			logger.info("Consumer {} handed off {} stream(s)", this.id, leaving.size());
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

	/** When the last lease renewal tick succeeded; {@code null} before {@link #start()}. */
	public @Nullable Instant lastRenewal() {
		return this.renewer.lastSuccess();
	}

	/** How expired leases are detected: {@code notifications+sweep} or {@code sweep}. */
	public String expiryDetection() {
		return this.detector.detectionMode();
	}

	/** The lease TTL this client uses. */
	public Duration leaseTtl() {
		return this.options.leaseTtl;
	}

	private void requireRunning() {
		State current = this.state.get();
		if (current != State.RUNNING) {
			throw new IllegalStateException("Client " + this.id + " is " + current + ", not running");
		}
	}

	private void createGroup(String offset) {
		byte[] lbs = this.keys.lbs().getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

	private void recover() {
		long start = System.nanoTime();
		int recovered = 0;
		String cursor = "-";
		do {
			LeaseStore.ExpiredPage page = this.store.findExpired(this.options.lbsIdleTime, cursor,
					this.options.lbsRecoveryCount);
			recovered += claimAll(page.entryIds(), 0);
			cursor = page.next();
		}
		while (cursor != null && this.state.get() == State.RUNNING);
		this.metrics.recovery(System.nanoTime() - start);
		if (recovered > 0) {
			logger.info("Consumer {} recovered {} stream(s) at startup", this.id, recovered);
		}
	}

	/**
	 * Waits for room and reserves permits for the next LBS read, up to a batch: at {@code maxOwnedStreams} the
	 * reader waits here, so it never reads an entry this consumer could not own.
	 */
	private int reserveForRead() throws InterruptedException {
		if (!this.registry.reservePermit(() -> this.state.get() == State.RUNNING)) {
			return 0;
		}
		return 1 + this.registry.tryReservePermits(this.options.lbsBatchSize - 1);
	}

	/** Leases a batch of new LBS entries in one script call; {@code reserved} permits were taken for it. */
	private boolean onLbsBatch(List<GroupReader.Record> batch, int reserved) {
		int unused = reserved;
		try {
			List<String> entryIds = new ArrayList<>(batch.size());
			List<LbsMessage> messages = new ArrayList<>(batch.size());
			for (GroupReader.Record record : batch) {
				try {
					messages.add(LbsMessages.parse(record.fields()));
					entryIds.add(record.id());
				}
				catch (MalformedEntryException ex) {
					deadLetter(record.id(), record.fields(), ex.getMessage());
					this.redis.opsForStream().acknowledge(this.keys.lbs(), this.keys.group(), record.id());
					this.redis.opsForStream().delete(this.keys.lbs(), record.id());
				}
			}
			if (entryIds.isEmpty()) {
				return true;
			}
			// When this fails the entries stay pending without a lease: the sweep hands them out once idle.
			long[] tokens = this.store.acquire(entryIds);
			for (int i = 0; i < tokens.length; i++) {
				if (tokens[i] < 0) {
					continue;
				}
				Lease lease = new Lease(new StreamRef(messages.get(i).dataStreamName(), entryIds.get(i)),
						messages.get(i).info(), tokens[i], this.id, this.leaseOwner);
				this.registry.add(lease);
				unused--;
				this.metrics.assigned();
				this.dispatcher.dispatch(StreamNotification.added(lease.ref(), lease.info(), tokens[i], false));
			}
			return true;
		}
		finally {
			this.registry.returnPermits(unused);
		}
	}

	private void onExpired(List<ExpiryDetector.Detected> expired) {
		Map<String, Long> detectedAt = new LinkedHashMap<>();
		for (ExpiryDetector.Detected d : expired) {
			// Our own lapsed leases are the renewer's business.
			if (!this.registry.holds(d.entryId())) {
				detectedAt.put(d.entryId(), d.detectedAtNanos());
			}
		}
		if (detectedAt.isEmpty()) {
			return;
		}
		if (this.options.autoClaim) {
			// Every survivor hears of every expiry at about the same time. Small batches in a random order let
			// the survivors interleave their claims and share a dead consumer's streams instead of the quickest
			// taking them all, at the price of a few more round trips.
			List<String> ids = new ArrayList<>(detectedAt.keySet());
			Collections.shuffle(ids);
			for (int from = 0; from < ids.size(); from += CLAIM_BATCH) {
				List<String> batch = ids.subList(from, Math.min(from + CLAIM_BATCH, ids.size()));
				claimAll(batch, detectedAt.get(batch.get(0)));
			}
			return;
		}
		byte[] lbs = this.keys.lbs().getBytes(StandardCharsets.UTF_8);
		for (String entryId : detectedAt.keySet()) {
			List<ByteRecord> entries = this.redis.execute(
					(RedisCallback<List<ByteRecord>>) (connection) -> connection.streamCommands()
						.xRange(lbs, Range.closed(entryId, entryId)));
			if (entries == null || entries.isEmpty()) {
				continue;
			}
			try {
				LbsMessage message = LbsMessages.parse(EntryFields.of(entries.get(0).getValue()));
				this.dispatcher.dispatch(
						StreamNotification.expired(new StreamRef(message.dataStreamName(), entryId), message.info()));
			}
			catch (MalformedEntryException ex) {
				logger.debug("Expired LBS entry {} is malformed; whoever claims it dead-letters it", entryId);
			}
		}
	}

	/** Claims what the permits allow and announces each win as a claimed {@code STREAM_ADDED}; returns the wins. */
	private int claimAll(List<String> entryIds, long detectedAtNanos) {
		if (entryIds.isEmpty()) {
			return 0;
		}
		int permits = this.registry.tryReservePermits(entryIds.size());
		if (permits == 0) {
			this.metrics.claim("limit", entryIds.size());
			return 0;
		}
		List<ClaimResult> results;
		try {
			results = this.store.claim(entryIds.subList(0, permits));
		}
		catch (RuntimeException ex) {
			this.registry.returnPermits(permits);
			throw ex;
		}
		int won = 0;
		for (ClaimResult result : results) {
			if (accept(result, true, detectedAtNanos) != null) {
				won++;
			}
		}
		return won;
	}

	/**
	 * Registers a won claim (a permit was reserved for it) or gives the permit back; dead-letters a claimed entry
	 * that turns out malformed.
	 */
	private @Nullable Lease accept(ClaimResult result, boolean announce, long detectedAtNanos) {
		if (!result.claimed()) {
			this.registry.returnPermits(1);
			this.metrics.claim(result.finished() ? "finished" : "lost", 1);
			return null;
		}
		LbsMessage message;
		try {
			message = LbsMessages.parse(result.fields());
		}
		catch (MalformedEntryException ex) {
			Lease doomed = new Lease(new StreamRef("", result.entryId()), Map.of(), result.token(), this.id,
					this.leaseOwner);
			deadLetter(result.entryId(), result.fields(), ex.getMessage());
			this.store.done(doomed);
			this.registry.returnPermits(1);
			return null;
		}
		Lease lease = new Lease(new StreamRef(message.dataStreamName(), result.entryId()), message.info(),
				result.token(), this.id, this.leaseOwner);
		this.registry.add(lease);
		this.metrics.claim("won", 1);
		if (detectedAtNanos != 0) {
			this.metrics.failoverLatency(System.nanoTime() - detectedAtNanos);
		}
		if (announce) {
			this.dispatcher.dispatch(StreamNotification.added(lease.ref(), lease.info(), lease.fencingToken(), true));
		}
		return lease;
	}

	/**
	 * Copies a malformed entry to the dead-letter stream byte for byte, with the reason, the entry id and this
	 * consumer appended; the entry may not be UTF-8 or may repeat a field, and it is deleted from the LBS next.
	 */
	private void deadLetter(String entryId, EntryFields fields, String reason) {
		Map<String, String> about = new LinkedHashMap<>();
		about.put("reason", reason);
		about.put("lbs-entry-id", entryId);
		about.put("consumer", this.id);
		this.redis.execute((RedisCallback<RecordId>) (connection) -> connection.streamCommands()
			.xAdd(fields.toRecord(this.keys.deadLetter(), about)));
		this.metrics.deadLettered();
		logger.warn("Malformed LBS entry {} moved to {}: {}", entryId, this.keys.deadLetter(), reason);
	}

	/** A done() that got no answer had run after all: the renewer found the stream finished. */
	private void onFinishedInDoubt(Lease lease) {
		this.registry.removeFinishedInDoubt(lease);
		logger.debug("Consumer {}: '{}' ({}) is finished, found while its done() was not answered", this.id,
				lease.name(), lease.entryId());
	}

	private void onLeaseLost(Lease lease) {
		this.registry.remove(lease);
		this.metrics.disowned();
		logger.warn("Consumer {} lost its lease on '{}' ({})", this.id, lease.name(), lease.entryId());
		this.dispatcher.dispatch(StreamNotification.disowned(lease.ref(), lease.info(), lease.fencingToken(),
				"lease lost: another consumer took the stream, or it lapsed while this consumer stalled"));
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

	/** Stops reading and terminates: something every stream needs (a permission) is missing. */
	private void terminate(String reason) {
		this.reader.stop();
		onReaderTerminated(reason);
	}

	/** The Redis work behind {@link OwnedStream}: done, and reading the data stream from its checkpoint. */
	private final class OwnedStreamOperations implements Lease.LeaseOwner {

		@Override
		public void done(Lease lease) {
			RecoverableStreamClient.this.done(lease);
		}

		@Override
		public List<StreamEntry> read(Lease lease, String after, int count, Duration block) {
			StreamReadOptions options = StreamReadOptions.empty().count(count);
			if (!block.isZero()) {
				options = options.block(block);
			}
			List<MapRecord<String, Object, Object>> records;
			try {
				records = redis.opsForStream().read(options, StreamOffset.create(lease.name(), ReadOffset.from(after)));
			}
			catch (RuntimeException ex) {
				throw AclDenials.translate(ex, "XREAD of data stream '" + lease.name() + "'");
			}
			List<StreamEntry> entries = new ArrayList<>();
			for (MapRecord<String, Object, Object> entry : (records != null) ? records : List.<MapRecord<String, Object, Object>>of()) {
				Map<String, String> fields = new LinkedHashMap<>();
				entry.getValue().forEach((field, value) -> fields.put(String.valueOf(field), String.valueOf(value)));
				entries.add(new StreamEntry(entry.getId().getValue(), fields));
			}
			return entries;
		}

		@Override
		public void commit(Lease lease, String entryId) {
			if (!lease.isOwned() || !store.commit(lease, entryId)) {
				throw new StreamNotOwnedException("Consumer " + id + " no longer owns stream '" + lease.name()
						+ "': checkpoint not moved to " + entryId);
			}
		}

		@Override
		public Optional<String> checkpoint(Lease lease) {
			return Optional.ofNullable(store.checkpoint(lease.name()));
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

		/** Idle time after which a pending LBS entry without lease is recovered at startup: 40 s. */
		public static final Duration DEFAULT_LBS_IDLE_TIME = Duration.ofSeconds(40);

		/** Page size of the startup recovery: 1000. */
		public static final int DEFAULT_LBS_RECOVERY_COUNT = 1000;

		/** LBS entries read per poll: 100. */
		public static final int DEFAULT_LBS_BATCH_SIZE = 100;

		/** How long one LBS poll blocks waiting for entries: 1 s. */
		public static final Duration DEFAULT_LBS_BLOCK_TIME = Duration.ofSeconds(1);

		/** Streams one consumer may hold at once: 10,000. */
		public static final int DEFAULT_MAX_OWNED_STREAMS = 10_000;

		/** Interval of the sweep for expired leases whose notification was lost: 10 s. */
		public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);

		/** Leases renewed per script call: 1000. */
		public static final int DEFAULT_LEASE_RENEWAL_BATCH_SIZE = 1000;

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

		private int leaseRenewalBatchSize = DEFAULT_LEASE_RENEWAL_BATCH_SIZE;

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

		/** How long a lease lives without renewal: how fast a dead consumer's streams fail over. */
		public Builder leaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
			return this;
		}

		/** How often all leases are renewed; default a third of the lease TTL, leaving two tries before expiry. */
		public Builder leaseRenewalInterval(Duration interval) {
			this.leaseRenewalInterval = interval;
			return this;
		}

		/** Leases renewed per script call. */
		public Builder leaseRenewalBatchSize(int batchSize) {
			this.leaseRenewalBatchSize = batchSize;
			return this;
		}

		/** Idle time after which a pending LBS entry without lease is taken at startup; must exceed 2 x lease TTL. */
		public Builder lbsIdleTime(Duration lbsIdleTime) {
			this.lbsIdleTime = lbsIdleTime;
			return this;
		}

		/** Page size of the startup recovery. */
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

		/** Whether to claim expired streams without a listener asking; claims arrive as claimed {@code STREAM_ADDED}. */
		public Builder autoClaim(boolean autoClaim) {
			this.autoClaim = autoClaim;
			return this;
		}

		/** Streams this consumer may hold at once; at the limit it neither reads new LBS entries nor claims. */
		public Builder maxOwnedStreams(int maxOwnedStreams) {
			this.maxOwnedStreams = maxOwnedStreams;
			return this;
		}

		/** Whether and how keyevent notifications are used to notice expired leases. */
		public Builder keyspaceNotifications(KeyspaceNotifications keyspaceNotifications) {
			this.keyspaceNotifications = keyspaceNotifications;
			return this;
		}

		/** Interval of the sweep that finds expired leases whose notification was lost. */
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

		/** Where to publish the client's meters (Micrometer). */
		public Builder meterRegistry(MeterRegistry meterRegistry) {
			this.meterRegistry = meterRegistry;
			return this;
		}

		Duration leaseRenewalInterval() {
			return (this.leaseRenewalInterval != null) ? this.leaseRenewalInterval : this.leaseTtl.dividedBy(3);
		}

		/** Validates the options and builds a client; {@link RecoverableStreamClient#start()} starts it. */
		public RecoverableStreamClient build() {
			requirePositive("leaseTtl", this.leaseTtl);
			requirePositive("lbsIdleTime", this.lbsIdleTime);
			requirePositive("lbsBlockTime", this.lbsBlockTime);
			requirePositive("sweepInterval", this.sweepInterval);
			Objects.requireNonNull(this.retryPolicy, "retryPolicy must not be null");
			Objects.requireNonNull(this.keyspaceNotifications, "keyspaceNotifications must not be null");
			if (this.lbsIdleTime.compareTo(this.leaseTtl.multipliedBy(2)) <= 0) {
				throw new IllegalArgumentException("lbsIdleTime (" + this.lbsIdleTime
						+ ") must be greater than 2 x leaseTtl (" + this.leaseTtl
						+ "), or live streams would be recovered as abandoned");
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
			requirePositive("leaseRenewalBatchSize", this.leaseRenewalBatchSize);
			requirePositive("notificationQueueCapacity", this.notificationQueueCapacity);
			requirePositive("notificationThreads", this.notificationThreads);
			if (this.consumerId != null && this.consumerId.isBlank()) {
				throw new IllegalArgumentException("consumerId must not be blank");
			}
			return new RecoverableStreamClient(this);
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
