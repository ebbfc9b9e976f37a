package io.github.redisstreamclient.autoconfigure.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.redisstreamclient.events.BackpressureStats;
import io.github.redisstreamclient.events.CircuitBreakerStats;
import io.github.redisstreamclient.events.DeadLetters;
import io.github.redisstreamclient.events.EventStreamConsumer;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.spring.EventStreamListenerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the event streams: the {@code @EventStreamListener} consumers, the publisher's circuit breaker and the
 * dead-letter stream.
 * <ul>
 * <li>{@code DOWN} when a listener terminated (its connection retries ran out, or Redis denied a permission: it
 * stays stopped until the application restarts), when the publisher's circuit breaker is open (publishing fails
 * fast), or when Redis does not answer the dead-letter count;</li>
 * <li>{@code OUT_OF_SERVICE} while the listeners are stopped on purpose (before the context started them, with
 * {@code redis-stream-client.auto-startup=false}, or after stop);</li>
 * <li>{@code UP} otherwise. Dead letters never change the status: they are a signal to act on (alert on the
 * {@code deadLetters} detail or the {@code consumed{outcome=dead.lettered}} counter), not an outage.</li>
 * </ul>
 */
public class RedisStreamEventsHealthIndicator extends AbstractHealthIndicator {

	private final EventStreamListenerRegistry registry;

	private final @Nullable EventStreamPublisher publisher;

	private final DeadLetters deadLetters;

	public RedisStreamEventsHealthIndicator(EventStreamListenerRegistry registry,
			@Nullable EventStreamPublisher publisher, DeadLetters deadLetters) {
		super("Redis event streams health check failed");
		this.registry = registry;
		this.publisher = publisher;
		this.deadLetters = deadLetters;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> reasons = new ArrayList<>();
		List<Map<String, Object>> listeners = new ArrayList<>();
		for (EventStreamConsumer consumer : this.registry.consumers()) {
			String state = state(consumer);
			if (state.equals("terminated")) {
				reasons.add("listener " + consumer.consumerName() + " of group '" + consumer.group()
						+ "' stopped reading (connection retries ran out or a permission is missing; see its log)");
			}
			BackpressureStats queue = consumer.backpressureStats();
			Map<String, Object> listener = new LinkedHashMap<>();
			listener.put("consumer", consumer.consumerName());
			listener.put("group", consumer.group());
			listener.put("eventTypes", consumer.eventTypes());
			listener.put("state", state);
			listener.put("queueSize", queue.queueSize());
			listener.put("maxQueueSize", queue.maxQueueSize());
			listener.put("dropped", queue.dropped());
			listeners.add(listener);
		}
		builder.withDetail("listeners", listeners);
		if (this.publisher != null) {
			CircuitBreakerStats breaker = this.publisher.circuitBreakerStats();
			builder.withDetail("publisherCircuitBreaker", breaker.state());
			if (breaker.state().equals("OPEN") || breaker.state().equals("FORCED_OPEN")) {
				reasons.add("the publisher's circuit breaker is open: publishing fails without calling Redis");
			}
		}
		builder.withDetail("deadLetterStream", this.deadLetters.streamName());
		try {
			builder.withDetail("deadLetters", this.deadLetters.count());
		}
		catch (RuntimeException ex) {
			builder.withException(ex);
			reasons.add("Redis did not answer XLEN of the dead-letter stream");
		}
		if (!reasons.isEmpty()) {
			builder.down().withDetail("reason", String.join("; ", reasons));
		}
		else if (!this.registry.isRunning()) {
			builder.status(Status.OUT_OF_SERVICE).withDetail("reason", "the listeners are stopped");
		}
		else {
			builder.up();
		}
	}

	/** {@code running}, {@code terminated} (stopped by itself) or {@code stopped} (closed). */
	private static String state(EventStreamConsumer consumer) {
		if (consumer.isRunning()) {
			return "running";
		}
		return consumer.isTerminated() ? "terminated" : "stopped";
	}

}
