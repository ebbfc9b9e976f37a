package io.github.redisstreamclient.autoconfigure.endpoint;

import java.util.List;

import io.github.redisstreamclient.events.BackpressureStats;
import io.github.redisstreamclient.events.CircuitBreakerStats;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.EventStreamConsumer;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code redisstreamevents}: each {@code @EventStreamListener} consumer with its state and queue,
 * the publisher's circuit breaker and the dead-letter stream; and a write operation that replays dead letters onto
 * their streams.
 * <p>
 * Replaying is off twice over: the endpoint's default access is read-only, so Actuator maps the write operation only
 * with {@code management.endpoint.redisstreamevents.access=unrestricted}; and it refuses unless
 * {@code redis-stream-client.events.endpoint.replay-enabled=true}. A replay puts a dead letter back on its stream
 * before deleting it ({@link DeadLetters}): a failure in between delivers the event twice, never loses it.
 */
@Endpoint(id = "redisstreamevents", defaultAccess = Access.READ_ONLY)
public class RedisStreamEventsEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(RedisStreamEventsEndpoint.class);

	private final EventStreamListenerRegistry registry;

	private final @Nullable EventStreamPublisher publisher;

	private final DeadLetters deadLetters;

	private final boolean replayEnabled;

	public RedisStreamEventsEndpoint(EventStreamListenerRegistry registry, @Nullable EventStreamPublisher publisher,
			DeadLetters deadLetters, boolean replayEnabled) {
		this.registry = registry;
		this.publisher = publisher;
		this.deadLetters = deadLetters;
		this.replayEnabled = replayEnabled;
	}

	@ReadOperation
	public EventsDescriptor events() {
		List<ListenerDescriptor> listeners = this.registry.consumers().stream().map((consumer) -> {
			BackpressureStats queue = consumer.backpressureStats();
			return new ListenerDescriptor(consumer.consumerName(), consumer.group(), consumer.eventTypes(),
					state(consumer), queue.queueSize(), queue.maxQueueSize(), queue.dropped());
		}).toList();
		CircuitBreakerStats breaker = (this.publisher != null) ? this.publisher.circuitBreakerStats() : null;
		return new EventsDescriptor(this.registry.isRunning(), listeners, breaker,
				new DeadLetterDescriptor(this.deadLetters.streamName(), this.deadLetters.count(), this.replayEnabled));
	}

	/**
	 * Replays dead letters onto their original streams, where the group's consumers get them as new entries.
	 * @param id the dead letter to replay; or
	 * @param count how many to replay, oldest first
	 */
	@WriteOperation
	public ReplayDescriptor replay(@Nullable String id, @Nullable Integer count) {
		if (!this.replayEnabled) {
			String refusal = "Replaying dead letters is disabled: set "
					+ "redis-stream-client.events.endpoint.replay-enabled=true once the cause of the failures is fixed";
			// Boot leaves the reason out of a 400's body unless server.error.include-message says otherwise.
			logger.warn("Refused a replay of dead letters: {}", refusal);
			throw new InvalidEndpointRequestException(refusal, refusal);
		}
		if ((id == null) == (count == null)) {
			throw new InvalidEndpointRequestException("Name either one dead letter (id) or how many (count)",
					"Name either one dead letter (\"id\") or how many to replay, oldest first (\"count\")");
		}
		if (count != null && count < 1) {
			throw new InvalidEndpointRequestException("count must be at least 1, but was " + count,
					"count must be at least 1");
		}
		int replayed = (id != null) ? (this.deadLetters.replay(id) ? 1 : 0) : this.deadLetters.replay(count);
		return new ReplayDescriptor(replayed, this.deadLetters.count());
	}

	private static String state(EventStreamConsumer consumer) {
		if (consumer.isRunning()) {
			return "running";
		}
		return consumer.isTerminated() ? "terminated" : "stopped";
	}

	/** The listeners, the publisher's circuit breaker (null without a publisher) and the dead letters. */
	public record EventsDescriptor(boolean running, List<ListenerDescriptor> listeners,
			@Nullable CircuitBreakerStats publisherCircuitBreaker, DeadLetterDescriptor deadLetters) {
	}

	/** One listener's consumer: {@code state} is running, terminated (stopped by itself) or stopped. */
	public record ListenerDescriptor(String consumer, String group, List<String> eventTypes, String state,
			int queueSize, int maxQueueSize, long dropped) {
	}

	/** The dead-letter stream, its length and whether the replay operation is allowed. */
	public record DeadLetterDescriptor(String stream, long count, boolean replayEnabled) {
	}

	/** What a replay did: dead letters put back, and those left. */
	public record ReplayDescriptor(int replayed, long remaining) {
	}

}
