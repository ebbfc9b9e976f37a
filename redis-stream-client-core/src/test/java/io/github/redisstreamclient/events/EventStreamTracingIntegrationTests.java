package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.redisstreamclient.observation.DefaultEventProcessObservationConvention;
import io.github.redisstreamclient.observation.DefaultEventPublishObservationConvention;
import io.github.redisstreamclient.observation.EventProcessContext;
import io.github.redisstreamclient.observation.EventPublishContext;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing of event streams against a real Redis and a real tracer (Micrometer Tracing over OpenTelemetry): the
 * publisher's trace context is stored in the entry's metadata as {@code traceparent}, and the consumer continues it.
 */
@RedisTest
class EventStreamTracingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final String prefix = "trace-" + UUID.randomUUID();

	private final String group = "billing";

	private final TestEventStreams streams = new TestEventStreams(this.prefix, this.group);

	@Test
	void oneTraceSpansPublishAndProcessThroughTheEntrysMetadata(RedisServer redis, LettuceConnectionFactory factory) {
		try (OtelTracing tracing = new OtelTracing()) {
			List<String> traceSeenByHandler = new CopyOnWriteArrayList<>();
			RecordingHandler handler = new RecordingHandler((received) -> {
				Span current = tracing.tracer.currentSpan();
				traceSeenByHandler.add((current != null) ? current.context().traceId() : "no span");
			});
			EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b.observationRegistry(tracing.registry));
			// An immutable map: the trace context goes into a copy, never into the caller's map.
			String entryId = publisher.publish("order.created", "o-1", Map.of("source", "shop"));

			try (EventStreamConsumer consumer = this.streams.consumer(factory, handler,
					(b) -> b.observationRegistry(tracing.registry))) {
				consumer.start();
				await().atMost(WAIT).until(() -> tracing.spans.getFinishedSpanItems().size() == 2);
			}

			SpanData producer = span(tracing, SpanKind.PRODUCER);
			SpanData processing = span(tracing, SpanKind.CONSUMER);
			assertThat(producer.getName()).isEqualTo("publish order.created");
			assertThat(producer.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
				.isEqualTo(this.prefix + ":order.created");
			assertThat(producer.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo(entryId);
			assertThat(processing.getName()).isEqualTo("process order.created");
			assertThat(processing.getTraceId()).isEqualTo(producer.getTraceId());
			assertThat(processing.getParentSpanId()).isEqualTo(producer.getSpanId());
			assertThat(processing.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
				.isEqualTo(this.group);
			// The handler ran inside the consumer span.
			assertThat(traceSeenByHandler).containsExactly(producer.getTraceId());
			// What Redis holds, read back with XRANGE: the W3C header of the producer span beside the caller's pair.
			Map<String, String> stored = storedMetadata(redis, entryId);
			// (The flags after the span id are the sampler's and the SDK's business: 01, or 03 with a random id.)
			assertThat(stored).containsEntry("source", "shop")
				.hasEntrySatisfying("traceparent", (traceparent) -> assertThat(traceparent)
					.matches("00-" + producer.getTraceId() + "-" + producer.getSpanId() + "-[0-9a-f]{2}"));
			assertThat(handler.completed.get(0).event().metadata()).isEqualTo(stored);
		}
	}

	@Test
	void publishInsideACallersSpanJoinsItsTrace(LettuceConnectionFactory factory) {
		try (OtelTracing tracing = new OtelTracing()) {
			EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b.observationRegistry(tracing.registry));
			Span request = tracing.tracer.nextSpan().name("POST /orders").start();
			try (Tracer.SpanInScope scope = tracing.tracer.withSpan(request)) {
				publisher.publish("order.created", "o-1");
			}
			finally {
				request.end();
			}

			SpanData producer = span(tracing, SpanKind.PRODUCER);
			assertThat(producer.getTraceId()).isEqualTo(request.context().traceId());
			assertThat(producer.getParentSpanId()).isEqualTo(request.context().spanId());
		}
	}

	@Test
	void publishAndEachHandlerCallAreObservedWithLowCardinalityTypeAndGroup(RedisServer redis,
			LettuceConnectionFactory factory) {
		TestObservationRegistry observations = TestObservationRegistry.create();
		AtomicInteger calls = new AtomicInteger();
		RecordingHandler handler = new RecordingHandler((received) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("first delivery fails");
			}
		});
		String entryId = this.streams.publisher(factory, (b) -> b.observationRegistry(observations)).publish("order.created", "o-1");

		try (EventStreamConsumer consumer = this.streams.consumer(factory, handler,
				(b) -> b.consumerName("worker-1").observationRegistry(observations))) {
			consumer.start();
			await().atMost(WAIT).until(() -> handler.completed.size() == 1);
		}

		assertThat(observations).hasNumberOfObservationsWithNameEqualTo("redis.stream.client.events.publish", 1)
			.hasObservationWithNameEqualTo("redis.stream.client.events.publish")
			.that()
			.hasBeenStopped()
			.hasContextualNameEqualTo("publish order.created")
			.hasLowCardinalityKeyValue("messaging.system", "redis")
			.hasLowCardinalityKeyValue("messaging.operation", "publish")
			.hasLowCardinalityKeyValue("redis.stream.client.event.type", "order.created")
			.hasHighCardinalityKeyValue("messaging.destination.name", this.prefix + ":order.created")
			.hasHighCardinalityKeyValue("messaging.message.id", entryId)
			.doesNotHaveLowCardinalityKeyValueWithKey("messaging.destination.name")
			.doesNotHaveError();
		// The retried delivery is a second handler call: two observations, the first with the handler's error.
		assertThat(observations).hasNumberOfObservationsWithNameEqualTo("redis.stream.client.events.process", 2)
			.forAllObservationsWithNameEqualTo("redis.stream.client.events.process", (process) -> process
				.hasLowCardinalityKeyValue("messaging.operation", "process")
				.hasLowCardinalityKeyValue("redis.stream.client.event.type", "order.created")
				.hasLowCardinalityKeyValue("messaging.consumer.group.name", this.group)
				.hasHighCardinalityKeyValue("redis.stream.client.consumer", "worker-1")
				.hasHighCardinalityKeyValue("messaging.message.id", entryId)
				.doesNotHaveLowCardinalityKeyValueWithKey("redis.stream.client.consumer")
				.doesNotHaveLowCardinalityKeyValueWithKey("messaging.message.id"))
			.hasAnObservation((process) -> process.hasNameEqualTo("redis.stream.client.events.process")
				.hasHighCardinalityKeyValue("redis.stream.client.delivery.count", "1")
				.hasError())
			.hasAnObservation((process) -> process.hasNameEqualTo("redis.stream.client.events.process")
				.hasHighCardinalityKeyValue("redis.stream.client.delivery.count", "2")
				.doesNotHaveError());
	}

	@Test
	void customConventionsNameAndTagTheObservations(LettuceConnectionFactory factory) {
		TestObservationRegistry observations = TestObservationRegistry.create();
		RecordingHandler handler = RecordingHandler.accepting();
		EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b.observationRegistry(observations)
			.observationConvention(new DefaultEventPublishObservationConvention() {

				@Override
				public String getName() {
					return "orders.sent";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(EventPublishContext context) {
					return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
				}

			}));
		publisher.publish("order.created", "o-1");

		try (EventStreamConsumer consumer = this.streams.consumer(factory, handler,
				(b) -> b.observationRegistry(observations)
					.observationConvention(new DefaultEventProcessObservationConvention() {

						@Override
						public String getName() {
							return "orders.handled";
						}

						@Override
						public KeyValues getLowCardinalityKeyValues(EventProcessContext context) {
							return KeyValues.of("listener", "billing-" + context.getReceivedEvent().event().type());
						}

					}))) {
			consumer.start();
			await().atMost(WAIT).until(() -> handler.completed.size() == 1);
		}

		assertThat(observations).hasNumberOfObservationsWithNameEqualTo("redis.stream.client.events.publish", 0)
			.hasNumberOfObservationsWithNameEqualTo("redis.stream.client.events.process", 0)
			.hasObservationWithNameEqualTo("orders.sent")
			.that()
			.hasLowCardinalityKeyValue("tenant", "acme")
			.hasLowCardinalityKeyValue("redis.stream.client.event.type", "order.created");
		assertThat(observations).hasObservationWithNameEqualTo("orders.handled")
			.that()
			.hasLowCardinalityKeyValue("listener", "billing-order.created")
			.doesNotHaveLowCardinalityKeyValueWithKey("messaging.consumer.group.name");
	}

	@Test
	void withoutARegistryNothingIsTracedAndNoTraceparentIsWritten(RedisServer redis,
			LettuceConnectionFactory factory) {
		try (OtelTracing tracing = new OtelTracing()) {
			List<String> spansSeenByHandler = new CopyOnWriteArrayList<>();
			RecordingHandler handler = new RecordingHandler((received) -> spansSeenByHandler
				.add(String.valueOf(tracing.tracer.currentSpan())));
			EventStreamPublisher unobserved = this.streams.publisher(factory, (b) -> b);
			EventStreamPublisher noop = this.streams.publisher(factory, (b) -> b.observationRegistry(ObservationRegistry.NOOP));
			// A span is current on the publishing thread: only a publisher given the registry may carry it.
			Span request = tracing.tracer.nextSpan().name("POST /orders").start();
			String first;
			String second;
			try (Tracer.SpanInScope scope = tracing.tracer.withSpan(request)) {
				first = unobserved.publish("order.created", "o-1", Map.of("source", "shop"));
				second = noop.publish("order.created", "o-2", Map.of("source", "shop"));
			}
			finally {
				request.end();
			}

			try (EventStreamConsumer consumer = this.streams.consumer(factory, handler, (b) -> b)) {
				consumer.start();
				await().atMost(WAIT).until(() -> handler.completed.size() == 2);
			}

			assertThat(storedMetadata(redis, first)).isEqualTo(Map.of("source", "shop"));
			assertThat(storedMetadata(redis, second)).isEqualTo(Map.of("source", "shop"));
			assertThat(spansSeenByHandler).containsExactly("null", "null");
			assertThat(tracing.spans.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("POST /orders");
		}
	}

	private static SpanData span(OtelTracing tracing, SpanKind kind) {
		List<SpanData> spans = tracing.spans.getFinishedSpanItems().stream().filter((s) -> s.getKind() == kind).toList();
		assertThat(spans).as("%s spans", kind).hasSize(1);
		return spans.get(0);
	}

	private Map<String, String> storedMetadata(RedisServer redis, String entryId) {
		List<?> entries = (List<?>) redis.command("XRANGE", this.prefix + ":order.created", entryId, entryId);
		List<?> fields = (List<?>) ((List<?>) entries.get(0)).get(1);
		assertThat(fields.get(0)).isEqualTo("event");
		JsonNode metadata = EventCodec.MAPPER.readTree((String) fields.get(1)).get("metadata");
		Map<String, String> stored = new LinkedHashMap<>();
		metadata.properties().forEach((entry) -> stored.put(entry.getKey(), entry.getValue().asString()));
		return stored;
	}

}
