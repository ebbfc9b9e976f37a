package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of DESIGN.md's "Observability", tagged with the service only: no per-stream tags, whose cardinality
 * would grow with the number of streams.
 */
final class MicrometerClientMetrics implements ClientMetrics {

	private static final String PREFIX = "redis.stream.client.";

	private final MeterRegistry registry;

	private final Tags tags;

	private final Counter assignments;

	private final Counter disowned;

	private final Counter deadLettered;

	private final Counter dropped;

	private final Counter listenerErrors;

	private final Timer renewalLatency;

	private final Timer failoverLatency;

	private final Timer recovery;

	private final Timer processing;

	public MicrometerClientMetrics(MeterRegistry registry, String service) {
		this.registry = registry;
		this.tags = Tags.of("service", service);
		this.assignments = counter("assignments", "LBS entries assigned to this consumer");
		this.disowned = counter("disowned", "Streams this consumer lost to another consumer, or released by rebalancing");
		this.deadLettered = counter("lbs.dead.lettered", "LBS entries moved to the dead-letter stream: malformed, or poison streams");
		this.dropped = counter("notifications.dropped", "Notifications dropped because the listener queue was full");
		this.listenerErrors = counter("listener.errors", "Notifications whose listener threw");
		this.renewalLatency = Timer.builder(PREFIX + "lease.renewal.latency")
			.description("Duration of one session renewal (one command per consumer, whatever it holds)")
			.tags(this.tags)
			.publishPercentileHistogram()
			.register(registry);
		this.failoverLatency = Timer.builder(PREFIX + "failover.latency")
			.description("From noticing a dead, closed or releasing consumer to holding one of its streams")
			.tags(this.tags)
			.publishPercentileHistogram()
			.register(registry);
		this.recovery = Timer.builder(PREFIX + "recovery")
			.description("Startup recovery: what an earlier process under this id and dead consumers held")
			.tags(this.tags)
			.register(registry);
		this.processing = Timer.builder(PREFIX + "processing")
			.description("From holding a stream (assigned or claimed) to its done(); released or lost streams are not counted")
			.tags(this.tags)
			.register(registry);
	}

	private Counter counter(String name, String description) {
		return Counter.builder(PREFIX + name).description(description).tags(this.tags).register(this.registry);
	}

	@Override
	public void ownedStreams(Supplier<Number> count) {
		Gauge.builder(PREFIX + "streams.owned", count)
			.description("Streams this consumer owns")
			.tags(this.tags)
			.register(this.registry);
	}

	@Override
	public void assigned() {
		this.assignments.increment();
	}

	@Override
	public void claim(String outcome, int count) {
		Counter.builder(PREFIX + "claims").tags(this.tags).tag("outcome", outcome).register(this.registry)
			.increment(count);
	}

	@Override
	public void renewals(String outcome, int count) {
		Counter.builder(PREFIX + "lease.renewals").tags(this.tags).tag("outcome", outcome).register(this.registry)
			.increment(count);
	}

	@Override
	public void renewalLatency(long nanos) {
		this.renewalLatency.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void disowned() {
		this.disowned.increment();
	}

	@Override
	public void expirationDetected(String source) {
		Counter.builder(PREFIX + "expirations.detected").tags(this.tags).tag("source", source)
			.register(this.registry).increment();
	}

	@Override
	public void failoverLatency(long nanos) {
		this.failoverLatency.record(Duration.ofNanos(nanos));
	}

	@Override
	public void recovery(long nanos) {
		this.recovery.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void deadLettered() {
		this.deadLettered.increment();
	}

	@Override
	public void notificationDropped() {
		this.dropped.increment();
	}

	@Override
	public void listenerFailed() {
		this.listenerErrors.increment();
	}

	@Override
	public boolean enabled() {
		return true;
	}

	@Override
	public void backlog(LbsBacklog backlog) {
		// Group-wide figures: every consumer of the service reports the same, so aggregate them with max, not sum.
		Gauge.builder(PREFIX + "lbs.lag", backlog, LbsBacklog::lag)
			.description("LBS entries not yet delivered to any consumer of the group (XINFO GROUPS lag)")
			.tags(this.tags)
			.register(this.registry);
		Gauge.builder(PREFIX + "lbs.pending", backlog, LbsBacklog::pending)
			.description("LBS entries delivered and not done: streams held by the group's consumers")
			.tags(this.tags)
			.register(this.registry);
	}

	@Override
	public void processed(long millis) {
		this.processing.record(millis, TimeUnit.MILLISECONDS);
	}

}
