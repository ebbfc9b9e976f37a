package io.github.redisstreamclient.events;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The event meters, tagged with the consumer group (consumers only) and the event type where a meter is per type:
 * event types are few, unlike stream names in general. The queue's meters also carry the consumer's name. Only loaded when a {@link MeterRegistry} is given.
 */
final class MicrometerEventMetrics implements EventMetrics {

	private static final String PREFIX = "redis.stream.client.events.";

	private final MeterRegistry registry;

	private final Tags tags;

	/** The consumer's name, for the meters of what each consumer has alone: its queue. Null for a publisher. */
	private final String consumer;

	private MicrometerEventMetrics(MeterRegistry registry, Tags tags, String consumer) {
		this.registry = registry;
		this.tags = tags;
		this.consumer = consumer;
	}

	static EventMetrics forPublisher(Object registry) {
		return new MicrometerEventMetrics((MeterRegistry) registry, Tags.empty(), "");
	}

	static EventMetrics forConsumer(Object registry, String group, String consumer) {
		return new MicrometerEventMetrics((MeterRegistry) registry, Tags.of("group", group), consumer);
	}

	@Override
	public void published(String type) {
		Counter.builder(PREFIX + "published")
			.description("Events published")
			.tags(this.tags)
			.tag("type", type)
			.register(this.registry)
			.increment();
	}

	@Override
	public void consumed(String type, String outcome) {
		Counter.builder(PREFIX + "consumed")
			.description("Deliveries handled, by outcome: acked, retried, dead.lettered or dropped")
			.tags(this.tags)
			.tag("type", type)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

	@Override
	public void handlerLatency(String type, long nanos) {
		Timer.builder(PREFIX + "handler.latency")
			.description("Time spent in the event handler, failed calls included")
			.tags(this.tags)
			.tag("type", type)
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void queue(DeliveryQueue queue) {
		// Per consumer: two listeners of one group each have a queue (one gauge per group showed only the first).
		Gauge.builder(PREFIX + "queue.size", queue, DeliveryQueue::size)
			.description("Entries in the in-flight queue, waiting for a worker")
			.tags(this.tags)
			.tag("consumer", this.consumer)
			.register(this.registry);
		FunctionCounter.builder(PREFIX + "dropped", queue, DeliveryQueue::dropped)
			.description("Entries dropped by the back-pressure strategy")
			.tags(this.tags)
			.tag("consumer", this.consumer)
			.register(this.registry);
	}

	@Override
	public void circuitBreaker(CircuitBreaker breaker, LongAdder rejected) {
		Gauge.builder(PREFIX + "circuit.state", breaker, MicrometerEventMetrics::stateValue)
			.description("Publisher circuit breaker: 0 closed, 1 open, 2 half-open")
			.tags(this.tags)
			.register(this.registry);
		// Micrometer holds the counted object weakly: it must be one the publisher keeps, not a lambda.
		FunctionCounter.builder(PREFIX + "circuit.rejected", rejected, LongAdder::sum)
			.description("Publish attempts refused by the open circuit breaker without calling Redis")
			.tags(this.tags)
			.register(this.registry);
	}

	@Override
	public void backlog(EventBacklog backlog) {
		// Group-wide figures: every consumer of the group reports the same, so aggregate them with max, not sum.
		for (String type : backlog.eventTypes()) {
			Gauge.builder(PREFIX + "lag", backlog, (b) -> b.lag(type))
				.description("Events not yet delivered to the consumer group (XINFO GROUPS lag; NaN on Redis 6.2)")
				.tags(this.tags)
				.tag("type", type)
				.register(this.registry);
			Gauge.builder(PREFIX + "pending", backlog, (b) -> b.pending(type))
				.description("Events delivered to the consumer group and not acknowledged yet")
				.tags(this.tags)
				.tag("type", type)
				.register(this.registry);
		}
	}

	private static double stateValue(CircuitBreaker breaker) {
		return switch (breaker.getState()) {
			case OPEN, FORCED_OPEN -> 1;
			case HALF_OPEN -> 2;
			default -> 0;
		};
	}

}
