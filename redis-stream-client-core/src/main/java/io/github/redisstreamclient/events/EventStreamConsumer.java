package io.github.redisstreamclient.events;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstreamclient.core.InvalidOptionException;
import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.core.internal.GroupReader;
import io.github.redisstreamclient.observation.EventProcessObservationConvention;
import io.github.redisstreamclient.observation.EventStreamObservation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A member of a consumer group on the streams of some event types, calling an {@link EventHandler} for each event.
 * <p>
 * One reader thread reads new entries of all its streams ({@code XREADGROUP ... >}) into a bounded in-flight queue
 * ({@link BackpressureOptions}); {@code concurrency} worker threads take them and call the handler. A handler that
 * returns acknowledges the entry. One that throws leaves it pending; it is delivered again after a backoff that
 * grows with the delivery count, and when the delivery that fails is the {@code maxDeliveries}th, the entry moves to
 * the dead-letter stream {@code <prefix>:dlq}. Every {@code reclaimInterval} the consumer also takes over the
 * group's entries idle for {@code reclaimMinIdle}: those of consumers that crashed.
 * <p>
 * Delivery is at least once, so handlers should be idempotent. {@code reclaimMinIdle} must exceed the longest
 * handler call, or a slow event is taken over and handled twice.
 * <p>
 * Given an {@code ObservationRegistry}, each handler call is observed ({@link EventStreamObservation#PROCESS}),
 * continuing the trace that the publisher put into the event's metadata.
 */
public final class EventStreamConsumer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EventStreamConsumer.class);

	private final String groupName;

	private final List<String> eventTypes;

	private final Duration reclaimInterval;

	private final Duration shutdownTimeout;

	private final String consumerName;

	private final EventStreams names;

	private final List<String> streams;

	private final EventStreamAdmin admin;

	private final GroupCommands group;

	private final HeldEntries held = new HeldEntries();

	private final EventMetrics metrics;

	private final DeliveryQueue queue;

	private final ScheduledExecutorService scheduler;

	private final Reclaimer reclaimer;

	private final WorkerPool workers;

	private final GroupReader reader;

	private final @Nullable EventBacklog backlog;

	private final Duration backlogRefreshInterval;

	private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

	private final AtomicBoolean deniedLogged = new AtomicBoolean();

	// Copies what it keeps of the options: the builder may be changed and used again after build().
	private EventStreamConsumer(Builder options, List<String> eventTypes) {
		this.groupName = options.group;
		this.eventTypes = eventTypes;
		this.reclaimInterval = options.reclaimInterval;
		this.shutdownTimeout = options.shutdownTimeout;
		this.consumerName = (options.consumerName != null) ? options.consumerName : defaultConsumerName();
		EventStreams names = new EventStreams(options.prefix);
		this.names = names;
		this.streams = eventTypes.stream().map(names::stream).toList();
		StringRedisTemplate redis = new StringRedisTemplate(options.connectionFactory);
		this.admin = EventStreamAdmin.of(options.connectionFactory, options.prefix);
		this.group = new GroupCommands(redis, options.group, this.consumerName);
		this.metrics = (options.meterRegistry != null)
				? MicrometerEventMetrics.forConsumer(options.meterRegistry, options.group, this.consumerName)
				: EventMetrics.NOOP;
		this.queue = new DeliveryQueue(options.backpressure, this::dropped, this.consumerName);
		this.metrics.queue(this.queue);
		// Read from Redis only when someone looks at the gauges.
		this.backlog = (this.metrics != EventMetrics.NOOP)
				? new EventBacklog(redis, options.group, names, eventTypes) : null;
		if (this.backlog != null) {
			this.metrics.backlog(this.backlog);
		}
		this.backlogRefreshInterval = options.backlogRefreshInterval;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "rsc-events-scheduler-" + this.consumerName);
			thread.setDaemon(true);
			return thread;
		});
		RetryScheduler retries = new RetryScheduler(this.scheduler, this.group, options.initialRetryBackoff,
				options.maxRetryBackoff, this::requeue, this.held, this::permissionDenied);
		this.reclaimer = new Reclaimer(this.group, this.streams, options.reclaimMinIdle, options.batchSize, this.held,
				this::requeue, this::isStarted, this::permissionDenied);
		EventObservations observations = (options.observationRegistry != null)
				? MicrometerEventObservations.forConsumer(options.observationRegistry, options.observationConvention,
						options.group, this.consumerName)
				: EventObservations.NOOP;
		DeliveryProcessor processor = new DeliveryProcessor(options.handler, names, options.maxDeliveries, this.group,
				new DeadLetterWriter(redis, names, this.group), retries, this.held, this.metrics, observations,
				this::permissionDenied);
		this.workers = new WorkerPool(this.consumerName, options.concurrency, this.queue, processor::process);
		int batchSize = options.batchSize;
		this.reader = new GroupReader("rsc-events-reader-" + this.consumerName, options.connectionFactory,
				this.groupName, this.consumerName, this.streams, options.blockTime, options.connectionRetry,
				() -> batchSize, this::readBatch, this::readFailed,
				(reason) -> logger.error("Consumer {} stopped reading: {}", this.consumerName, reason));
	}

	/**
	 * Starts building a consumer.
	 * @param connectionFactory how to reach Redis
	 * @param group the consumer group: consumers of one group share the events, each group gets all of them
	 * @param handler called for each event
	 */
	public static Builder builder(RedisConnectionFactory connectionFactory, String group, EventHandler handler) {
		return new Builder(connectionFactory, group, handler);
	}

	/**
	 * Creates the consumer group on each stream if needed, checks that it may read them, then starts reading. A
	 * group created here starts at the beginning of the stream ({@code XGROUP CREATE <stream> <group> 0 MKSTREAM}),
	 * so the first consumer of a new group also gets the events published before it, as far as the stream still
	 * holds them.
	 * @throws IllegalStateException when started twice or after {@link #close()}
	 * @throws org.springframework.dao.PermissionDeniedDataAccessException when the Redis user lacks a permission
	 * that creating the groups or reading needs; the message says what to grant
	 */
	public void start() {
		if (!this.state.compareAndSet(State.NEW, State.RUNNING)) {
			throw new IllegalStateException("Consumer " + this.consumerName + " was already started (state "
					+ this.state.get() + ")");
		}
		try {
			createGroups();
			this.reader.probe();
			this.workers.start();
			this.scheduler.scheduleWithFixedDelay(this.reclaimer::reclaim, 0,
					this.reclaimInterval.toMillis(), TimeUnit.MILLISECONDS);
			if (this.backlog != null) {
				this.scheduler.scheduleWithFixedDelay(this.backlog::refresh, 0,
						this.backlogRefreshInterval.toMillis(), TimeUnit.MILLISECONDS);
			}
			this.reader.start();
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		logger.info("Consumer {} of group '{}' started on {}", this.consumerName, this.groupName, this.streams);
	}

	/** This consumer's name in the group. */
	public String consumerName() {
		return this.consumerName;
	}

	/** The consumer group this consumer is a member of. */
	public String group() {
		return this.groupName;
	}

	/** The event types it consumes, one stream each. */
	public List<String> eventTypes() {
		return this.eventTypes;
	}

	/** The in-flight queue's size and drops now. */
	public BackpressureStats backpressureStats() {
		return this.queue.stats();
	}

	/** Whether the consumer is started, not closed, and reading (it stops reading when connection retries run out). */
	public boolean isRunning() {
		return isStarted() && this.reader.isRunning();
	}

	/**
	 * Whether the consumer stopped reading by itself while started: its connection retries ran out, or Redis denied
	 * a permission it needs (logged at ERROR, saying what to grant). It stays so until closed.
	 */
	public boolean isTerminated() {
		return isStarted() && !this.reader.isRunning();
	}

	/**
	 * Stops reading, lets the handlers that are running finish (at most {@code shutdownTimeout}) and stops. Entries
	 * still queued or waiting for a retry are not acknowledged: they stay pending in Redis and another consumer of
	 * the group reclaims them after {@code reclaimMinIdle}.
	 */
	@Override
	public void close() {
		State previous = this.state.getAndSet(State.CLOSED);
		if (previous == State.CLOSED) {
			return;
		}
		this.reader.stop();
		this.scheduler.shutdownNow();
		if (this.backlog != null) {
			this.backlog.clear();
		}
		if (previous == State.NEW) {
			return;
		}
		this.workers.stop(this.shutdownTimeout);
		for (String stream : this.streams) {
			try {
				this.group.removeConsumerIfIdle(stream);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not remove consumer {} from {}", this.consumerName, stream, ex);
			}
		}
		logger.info("Consumer {} of group '{}' closed", this.consumerName, this.groupName);
	}

	/**
	 * A missing permission never heals by retrying: stop reading, so that entries are neither read nor handled
	 * again and again without being acknowledged, and say what to grant, once.
	 */
	private void permissionDenied(String explanation) {
		if (this.deniedLogged.compareAndSet(false, true)) {
			logger.error("Consumer {} of group '{}' stops reading: {}", this.consumerName, this.groupName, explanation);
			// Reclaims and retries would hand the same entries to the handler again and again.
			this.scheduler.shutdownNow();
			this.reader.stop();
		}
	}

	private boolean isStarted() {
		return this.state.get() == State.RUNNING;
	}

	private void createGroups() {
		for (String type : this.eventTypes) {
			this.admin.createGroup(type, this.groupName);
		}
	}

	private boolean readBatch(List<GroupReader.Record> batch, int requested) throws InterruptedException {
		for (GroupReader.Record record : batch) {
			// A new entry read with '>' has been delivered once.
			if (!readEntry(new Delivery(record.stream(), record.id(), 1, record.fields()))) {
				return false;
			}
		}
		return true;
	}

	private void readFailed(RuntimeException error) {
		if (GroupReader.causedBy(error, "NOGROUP")) {
			// Redis lost its data: the groups are created again before the next attempt.
			createGroups();
		}
	}

	private boolean readEntry(Delivery delivery) throws InterruptedException {
		this.held.hold(delivery);
		if (!this.queue.offer(delivery, this::isStarted)) {
			this.held.release(delivery);
			return false;
		}
		return true;
	}

	private boolean requeue(Delivery delivery) throws InterruptedException {
		return this.queue.put(delivery, this::isStarted);
	}

	// Dropped on purpose by the back-pressure strategy, so acknowledged: nobody should handle it later.
	private void dropped(Delivery delivery) {
		try {
			this.group.ack(delivery.stream(), delivery.entryId());
			this.metrics.consumed(this.names.typeOf(delivery.stream()), EventMetrics.DROPPED);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not acknowledge dropped entry {} of {}; it is delivered again later: {}",
					delivery.entryId(), delivery.stream(), ex.toString());
		}
		finally {
			this.held.release(delivery);
		}
	}

	static String defaultConsumerName() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		return host + "-" + ProcessHandle.current().pid() + "-"
				+ String.format("%08x", ThreadLocalRandom.current().nextInt());
	}

	private enum State {

		NEW, RUNNING, CLOSED

	}

	/**
	 * Options of an {@link EventStreamConsumer}. Invalid values fail in {@link #build()} with an
	 * {@link InvalidOptionException} naming the option.
	 */
	public static final class Builder {

		/** Stream name prefix: {@code events}. */
		public static final String DEFAULT_PREFIX = EventStreamPublisher.Builder.DEFAULT_PREFIX;

		/** Worker threads: 1. */
		public static final int DEFAULT_CONCURRENCY = 1;

		/** Entries read per stream and poll (XREADGROUP COUNT): 10. */
		public static final int DEFAULT_BATCH_SIZE = 10;

		/** How long one poll waits for new entries: 1 s. */
		public static final Duration DEFAULT_BLOCK_TIME = Duration.ofSeconds(1);

		/** Deliveries of a failing event before it is dead-lettered: 5. */
		public static final int DEFAULT_MAX_DELIVERIES = 5;

		/** Pause before the second delivery of a failed event: 100 ms, doubling with each further one. */
		public static final Duration DEFAULT_INITIAL_RETRY_BACKOFF = Duration.ofMillis(100);

		/** Longest pause between two deliveries of a failing event: 5 s. */
		public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(5);

		/** Idle time after which a pending entry is taken over from its consumer: 30 s. */
		public static final Duration DEFAULT_RECLAIM_MIN_IDLE = Duration.ofSeconds(30);

		/** Interval of the reclaim pass: 30 s. */
		public static final Duration DEFAULT_RECLAIM_INTERVAL = Duration.ofSeconds(30);

		/** Longest wait in {@link EventStreamConsumer#close()} for running handlers: 10 s. */
		public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

		/** How often the backlog gauges are read from Redis, when there are meters: 5 s. Not public: tests shorten it. */
		static final Duration DEFAULT_BACKLOG_REFRESH_INTERVAL = Duration.ofSeconds(5);

		private final RedisConnectionFactory connectionFactory;

		private final String group;

		private final EventHandler handler;

		private String prefix = DEFAULT_PREFIX;

		private List<String> eventTypes = List.of();

		private @Nullable String consumerName;

		private int concurrency = DEFAULT_CONCURRENCY;

		private int batchSize = DEFAULT_BATCH_SIZE;

		private Duration blockTime = DEFAULT_BLOCK_TIME;

		private int maxDeliveries = DEFAULT_MAX_DELIVERIES;

		private Duration initialRetryBackoff = DEFAULT_INITIAL_RETRY_BACKOFF;

		private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;

		private Duration reclaimMinIdle = DEFAULT_RECLAIM_MIN_IDLE;

		private Duration reclaimInterval = DEFAULT_RECLAIM_INTERVAL;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private BackpressureOptions backpressure = BackpressureOptions.defaults();

		private RetryPolicy connectionRetry = RetryPolicy.unlimited();

		private @Nullable Object meterRegistry;

		private Duration backlogRefreshInterval = DEFAULT_BACKLOG_REFRESH_INTERVAL;

		// Objects, so that the consumer runs without Micrometer on the class path.
		private @Nullable Object observationRegistry;

		private @Nullable Object observationConvention;

		private Builder(RedisConnectionFactory connectionFactory, String group, EventHandler handler) {
			this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
			this.group = group;
			this.handler = handler;
		}

		/** Stream name prefix: the consumer reads {@code <prefix>:<type>} for each event type. */
		public Builder prefix(String prefix) {
			this.prefix = prefix;
			return this;
		}

		/** Event types to consume, one stream each; at least one. */
		public Builder eventTypes(Collection<String> eventTypes) {
			this.eventTypes = new ArrayList<>(Objects.requireNonNull(eventTypes, "eventTypes must not be null"));
			return this;
		}

		/** Name in the consumer group; default {@code <host>-<pid>-<8 random hex digits>}, unique per instance. */
		public Builder consumerName(String consumerName) {
			this.consumerName = consumerName;
			return this;
		}

		/** Worker threads calling the handler. */
		public Builder concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		/** Entries read per stream and poll (XREADGROUP COUNT), and per page when reclaiming. */
		public Builder batchSize(int batchSize) {
			this.batchSize = batchSize;
			return this;
		}

		/** How long one poll waits for new entries; keep it below the connection's command timeout. */
		public Builder blockTime(Duration blockTime) {
			this.blockTime = blockTime;
			return this;
		}

		/** Deliveries of a failing event, the first included, before it is dead-lettered. */
		public Builder maxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
			return this;
		}

		/** Pause before delivering a failed event again: {@code initial} after the first delivery, doubling up to {@code max}. */
		public Builder retryBackoff(Duration initial, Duration max) {
			this.initialRetryBackoff = initial;
			this.maxRetryBackoff = max;
			return this;
		}

		/** Idle time after which a pending entry of any consumer of the group is taken over; must exceed handler time. */
		public Builder reclaimMinIdle(Duration reclaimMinIdle) {
			this.reclaimMinIdle = reclaimMinIdle;
			return this;
		}

		/** How often idle pending entries are looked for. */
		public Builder reclaimInterval(Duration reclaimInterval) {
			this.reclaimInterval = reclaimInterval;
			return this;
		}

		/** Size, strategy and warning threshold of the in-flight queue. */
		public Builder backpressure(BackpressureOptions backpressure) {
			this.backpressure = backpressure;
			return this;
		}

		/** How the reader retries after Redis errors; by default for ever, 100 ms doubling up to 30 s. */
		public Builder connectionRetry(RetryPolicy connectionRetry) {
			this.connectionRetry = connectionRetry;
			return this;
		}

		/** Longest wait in {@link EventStreamConsumer#close()} for running handlers before they are interrupted. */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/** Registry for the consumer's meters; none by default. */
		public Builder meterRegistry(MeterRegistry meterRegistry) {
			this.meterRegistry = meterRegistry;
			return this;
		}

		/** How often the backlog gauges are read from Redis (one XINFO GROUPS per stream). */
		Builder backlogRefreshInterval(Duration interval) {
			this.backlogRefreshInterval = interval;
			return this;
		}

		/**
		 * Registry for the handler call observation ({@link EventStreamObservation#PROCESS}), which continues the
		 * publisher's trace found in the event's metadata; none by default.
		 */
		public Builder observationRegistry(ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
			return this;
		}

		/** Names and tags of the process observation, instead of {@code DefaultEventProcessObservationConvention}. */
		public Builder observationConvention(EventProcessObservationConvention observationConvention) {
			this.observationConvention = observationConvention;
			return this;
		}

		public EventStreamConsumer build() {
			if (this.group == null || this.group.isBlank()) {
				throw new InvalidOptionException("group", this.group, "group must not be empty", "billing");
			}
			if (this.handler == null) {
				throw new IllegalArgumentException("handler must not be null");
			}
			new EventStreams(this.prefix);
			Set<String> types = new LinkedHashSet<>();
			for (String type : this.eventTypes) {
				try {
					types.add(EventStreams.requireValidType(type));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("eventTypes: " + ex.getMessage(), ex);
				}
			}
			if (types.isEmpty()) {
				throw new IllegalArgumentException("eventTypes must name at least one event type");
			}
			if (this.consumerName != null && this.consumerName.isBlank()) {
				throw new InvalidOptionException("consumerName", this.consumerName, "consumerName must not be blank",
						"billing-1");
			}
			requireAtLeastOne("concurrency", this.concurrency, "4");
			requireAtLeastOne("batchSize", this.batchSize, "10");
			requireAtLeastOne("maxDeliveries", this.maxDeliveries, "5");
			requirePositive("blockTime", this.blockTime, "1s");
			requirePositive("retryBackoff.initial", this.initialRetryBackoff, "100ms");
			requirePositive("retryBackoff.max", this.maxRetryBackoff, "5s");
			if (this.maxRetryBackoff.compareTo(this.initialRetryBackoff) < 0) {
				throw new InvalidOptionException("retryBackoff.max", this.maxRetryBackoff,
						"retryBackoff.max (" + InvalidOptionException.format(this.maxRetryBackoff)
								+ ") must not be shorter than retryBackoff.initial ("
								+ InvalidOptionException.format(this.initialRetryBackoff) + ")",
						InvalidOptionException.format(this.initialRetryBackoff.multipliedBy(10)));
			}
			requirePositive("reclaimMinIdle", this.reclaimMinIdle, "30s");
			requirePositive("reclaimInterval", this.reclaimInterval, "30s");
			requirePositive("shutdownTimeout", this.shutdownTimeout, "10s");
			requirePositive("backlogRefreshInterval", this.backlogRefreshInterval, "5s");
			if (this.backpressure == null) {
				throw new IllegalArgumentException("backpressure must not be null");
			}
			if (this.connectionRetry == null) {
				throw new IllegalArgumentException("connectionRetry must not be null");
			}
			return new EventStreamConsumer(this, List.copyOf(types));
		}

		private static void requireAtLeastOne(String option, int value, String example) {
			if (value < 1) {
				throw new InvalidOptionException(option, value, option + " must be at least 1, but was " + value,
						example);
			}
		}

		private static void requirePositive(String option, @Nullable Duration value, String example) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new InvalidOptionException(option, value,
						option + " must be positive, but was " + InvalidOptionException.format(value), example);
			}
		}

	}

}
