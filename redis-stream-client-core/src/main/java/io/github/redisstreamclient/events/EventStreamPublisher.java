package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import io.github.redisstreamclient.core.InvalidOptionException;
import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisCommandExecutionException;
import io.github.redisstreamclient.observation.EventPublishObservationConvention;
import io.github.redisstreamclient.observation.EventStreamObservation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands.TrimOptions;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes events to their type's stream, {@code XADD <prefix>:<type> MAXLEN ~ <maxLength> * event <json>},
 * behind a circuit breaker, retrying connection failures with backoff. Thread-safe: share one per application.
 * <p>
 * A publish that timed out may have reached Redis, so a retry can publish the event twice; both copies carry the
 * same {@link Event#id()}.
 * <p>
 * Given an {@code ObservationRegistry}, each publish is observed ({@link EventStreamObservation#PUBLISH}) and a
 * tracer puts the trace context into the event's metadata as W3C {@code traceparent}, where consumers continue it.
 */
public final class EventStreamPublisher {

	private static final Logger logger = LoggerFactory.getLogger(EventStreamPublisher.class);

	private final StringRedisTemplate redis;

	private final EventStreams streams;

	private final XAddOptions addOptions;

	private final RetryPolicy retryPolicy;

	private final CircuitBreaker circuitBreaker;

	private final LongAdder rejected = new LongAdder();

	private final EventMetrics metrics;

	private final EventObservations observations;

	private EventStreamPublisher(Builder options) {
		this.redis = new StringRedisTemplate(options.connectionFactory);
		this.streams = new EventStreams(options.prefix);
		this.addOptions = (options.maxLength > 0)
				? XAddOptions.trim(TrimOptions.maxLen(options.maxLength).approximate()) : XAddOptions.none();
		this.retryPolicy = options.retryPolicy;
		this.circuitBreaker = CircuitBreaker.of("redis-stream-client-events-publisher",
				circuitBreakerConfig(options.circuitBreaker));
		this.metrics = (options.meterRegistry != null) ? MicrometerEventMetrics.forPublisher(options.meterRegistry)
				: EventMetrics.NOOP;
		this.metrics.circuitBreaker(this.circuitBreaker, this.rejected);
		this.observations = (options.observationRegistry != null)
				? MicrometerEventObservations.forPublisher(options.observationRegistry, options.observationConvention)
				: EventObservations.NOOP;
	}

	/**
	 * Starts building a publisher.
	 * @param connectionFactory how to reach Redis
	 */
	public static Builder builder(RedisConnectionFactory connectionFactory) {
		return new Builder(connectionFactory);
	}

	/**
	 * Publishes an event without metadata.
	 * @see #publish(String, Object, Map)
	 */
	public String publish(String eventType, @Nullable Object payload) {
		return publish(eventType, payload, Map.of());
	}

	/**
	 * Publishes an event.
	 * @param eventType the type, which names the stream: {@code <prefix>:<eventType>}
	 * @param payload anything Jackson writes as JSON: a record, a map, a string, a {@code JsonNode}
	 * @param metadata string pairs that travel with the event; with tracing on, the trace context is added to a copy
	 * @return the stream entry id
	 * @throws EventPublishException when the payload is not serializable, Redis fails beyond the retry policy, or
	 * the circuit breaker is open
	 */
	public String publish(String eventType, @Nullable Object payload, Map<String, String> metadata) {
		String stream = this.streams.stream(eventType);
		Objects.requireNonNull(metadata, "metadata must not be null");
		return this.observations.publish(eventType, stream, metadata,
				(carried) -> publish(eventType, stream, payload, carried));
	}

	private EventObservations.Published publish(String eventType, String stream, @Nullable Object payload,
			Map<String, String> metadata) {
		Event event = create(eventType, payload, metadata);
		String json = encode(event, payload);
		int failures = 0;
		while (true) {
			try {
				RecordId id = this.circuitBreaker.executeSupplier(() -> this.redis.opsForStream()
					.add(StreamRecords.string(Map.of(EventCodec.EVENT_FIELD, json)).withStreamKey(stream),
							this.addOptions));
				this.metrics.published(eventType);
				return new EventObservations.Published(event.id(),
						Objects.requireNonNull(id, "XADD returned no id").getValue());
			}
			catch (CallNotPermittedException ex) {
				this.rejected.increment();
				throw new EventPublishException("Circuit breaker for publishing to Redis is "
						+ this.circuitBreaker.getState() + ": '" + eventType + "' event not published to '" + stream
						+ "', failing fast without calling Redis", ex);
			}
			catch (RuntimeException ex) {
				failures++;
				if (!isConnectionFailure(ex) || !this.retryPolicy.allowsRetry(failures)) {
					String denied = AclDenials.explain(ex, "XADD to '" + stream + "'");
					throw new EventPublishException("Publishing a '" + eventType + "' event to '" + stream
							+ "' failed after " + failures + " attempt(s): " + ((denied != null) ? denied : ex.getMessage()),
							ex);
				}
				Duration delay = this.retryPolicy.delayAfter(failures);
				logger.debug("Publishing to {} failed ({} in a row), retrying in {} ms: {}", stream, failures,
						delay.toMillis(), ex.toString());
				pause(delay, ex);
			}
		}
	}

	/** The circuit breaker's state and counts now. */
	public CircuitBreakerStats circuitBreakerStats() {
		CircuitBreaker.Metrics metrics = this.circuitBreaker.getMetrics();
		return new CircuitBreakerStats(this.circuitBreaker.getState().name(), metrics.getNumberOfFailedCalls(),
				metrics.getNumberOfSuccessfulCalls(), this.rejected.sum(), metrics.getFailureRate());
	}

	/** The stream of an event type: {@code <prefix>:<eventType>}. */
	public String streamName(String eventType) {
		return this.streams.stream(eventType);
	}

	private static Event create(String eventType, @Nullable Object payload, Map<String, String> metadata) {
		try {
			return EventCodec.create(eventType, payload, metadata);
		}
		catch (JacksonException ex) {
			throw cannotWrite(eventType, payload, ex);
		}
	}

	private static String encode(Event event, @Nullable Object payload) {
		try {
			return EventCodec.encode(event);
		}
		catch (JacksonException ex) {
			throw cannotWrite(event.type(), payload, ex);
		}
	}

	private static EventPublishException cannotWrite(String eventType, @Nullable Object payload, JacksonException ex) {
		return new EventPublishException("Cannot write the payload of a '" + eventType + "' event ("
				+ ((payload != null) ? payload.getClass().getName() : "null") + ") as JSON: " + ex.getMessage(), ex);
	}

	/** Failures where the same command may well succeed a moment later; an error reply from Redis is not one. */
	private static boolean isConnectionFailure(RuntimeException ex) {
		if (ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException) {
			return true;
		}
		return ex instanceof RedisSystemException && !(ex.getCause() instanceof RedisCommandExecutionException);
	}

	private static void pause(Duration delay, RuntimeException failure) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EventPublishException("Interrupted while waiting to retry a publish", failure);
		}
	}

	private static CircuitBreakerConfig circuitBreakerConfig(CircuitBreakerOptions options) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(options.slidingWindowSize())
			.minimumNumberOfCalls(options.minimumNumberOfCalls())
			.failureRateThreshold(options.failureRateThreshold())
			.waitDurationInOpenState(options.waitDurationInOpenState())
			.permittedNumberOfCallsInHalfOpenState(
					Math.min(options.minimumNumberOfCalls(), options.slidingWindowSize()))
			.build();
	}

	/**
	 * Options of an {@link EventStreamPublisher}. Invalid values fail in {@link #build()} with an
	 * {@link InvalidOptionException} naming the option.
	 */
	public static final class Builder {

		/** Stream name prefix: {@code events}, as in the Rust transport. */
		public static final String DEFAULT_PREFIX = "events";

		/** Approximate length a stream is trimmed to on every publish: 10,000. */
		public static final long DEFAULT_MAX_LENGTH = 10_000;

		/** Retries of a publish after connection failures: 3, from 100 ms doubling up to 2 s. */
		public static final RetryPolicy DEFAULT_RETRY_POLICY = new RetryPolicy(3, Duration.ofMillis(100),
				Duration.ofSeconds(2));

		private final RedisConnectionFactory connectionFactory;

		private String prefix = DEFAULT_PREFIX;

		private long maxLength = DEFAULT_MAX_LENGTH;

		private RetryPolicy retryPolicy = DEFAULT_RETRY_POLICY;

		private CircuitBreakerOptions circuitBreaker = CircuitBreakerOptions.defaults();

		private @Nullable Object meterRegistry;

		// Objects, so that the publisher runs without Micrometer on the class path.
		private @Nullable Object observationRegistry;

		private @Nullable Object observationConvention;

		private Builder(RedisConnectionFactory connectionFactory) {
			this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		}

		/** Stream name prefix: events go to {@code <prefix>:<type>}. */
		public Builder prefix(String prefix) {
			this.prefix = prefix;
			return this;
		}

		/** Approximate number of entries a stream is trimmed to on every publish ({@code MAXLEN ~}); 0 for unlimited. */
		public Builder maxLength(long maxLength) {
			this.maxLength = maxLength;
			return this;
		}

		/** How a publish is retried after connection failures; {@code maxRetries} 0 for no retry. */
		public Builder retryPolicy(RetryPolicy retryPolicy) {
			this.retryPolicy = retryPolicy;
			return this;
		}

		/** When the circuit breaker around XADD opens and for how long. */
		public Builder circuitBreaker(CircuitBreakerOptions circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		/** Registry for the publish counter and the circuit breaker meters; none by default. */
		public Builder meterRegistry(MeterRegistry meterRegistry) {
			this.meterRegistry = meterRegistry;
			return this;
		}

		/**
		 * Registry for the publish observation ({@link EventStreamObservation#PUBLISH}); none by default. With a
		 * tracer behind it, the trace context travels in the event's metadata ({@code traceparent}).
		 */
		public Builder observationRegistry(ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
			return this;
		}

		/** Names and tags of the publish observation, instead of {@code DefaultEventPublishObservationConvention}. */
		public Builder observationConvention(EventPublishObservationConvention observationConvention) {
			this.observationConvention = observationConvention;
			return this;
		}

		public EventStreamPublisher build() {
			new EventStreams(this.prefix);
			if (this.maxLength < 0) {
				throw new InvalidOptionException("maxLength", this.maxLength,
						"maxLength must be 0 (unlimited) or positive, but was " + this.maxLength, "10000");
			}
			Objects.requireNonNull(this.retryPolicy, "retryPolicy must not be null");
			Objects.requireNonNull(this.circuitBreaker, "circuitBreaker must not be null");
			return new EventStreamPublisher(this);
		}

	}

}
