package io.github.redisstreamclient.events;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishing and consuming against a real Redis: type filtering, trimming, retries, dead letters, replay and the
 * takeover of a crashed consumer's entries.
 */
@RedisTest
class EventStreamsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final String prefix = "ev-" + UUID.randomUUID();

	private final String group = "billing";

	private final TestEventStreams streams = new TestEventStreams(this.prefix, this.group);

	record OrderCreated(String orderId, BigDecimal total) {
	}

	@Test
	void consumerReceivesExactlyItsTypesWithPayloadMetadataAndTimestamp(RedisServer redis,
			LettuceConnectionFactory factory) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b.meterRegistry(meters));
		Instant before = Instant.now();
		// Published before the consumer's group exists: the group starts at 0, so it still gets them.
		String first = publisher.publish("order.created", new OrderCreated("o-1", new BigDecimal("12.50")),
				Map.of("source", "shop", "trace", "t-1"));
		publisher.publish("order.cancelled", Map.of("orderId", "o-1"));
		publisher.publish("user.created", Map.of("userId", "u-1"));
		String second = publisher.publish("order.created", new OrderCreated("o-2", new BigDecimal("3")));
		Instant after = Instant.now();
		RecordingHandler handler = RecordingHandler.accepting();

		try (EventStreamConsumer consumer = this.streams.consumer(factory, handler, (b) -> b.eventTypes(List.of("order.created"))
			.meterRegistry(meters))) {
			consumer.start();
			await().atMost(WAIT).until(() -> handler.completed.size() == 2 && pending(redis, "order.created") == 0);

			assertThat(handler.completed).extracting(ReceivedEvent::entryId).containsExactly(first, second);
			ReceivedEvent received = handler.completed.get(0);
			assertThat(received.stream()).isEqualTo(this.prefix + ":order.created");
			assertThat(received.deliveryCount()).isEqualTo(1);
			assertThat(received.event().type()).isEqualTo("order.created");
			assertThat(received.event().payloadAs(OrderCreated.class))
				.isEqualTo(new OrderCreated("o-1", new BigDecimal("12.50")));
			assertThat(received.event().metadata()).isEqualTo(Map.of("source", "shop", "trace", "t-1"));
			assertThat(received.event().timestamp()).isBetween(before, after);
			assertThat(handler.completed.get(1).event().metadata()).isEmpty();
			// The other types' streams were not even joined.
			assertThat(redis.command("XINFO", "GROUPS", this.prefix + ":order.cancelled")).isEqualTo(List.of());
			assertThat(redis.command("XLEN", this.prefix + ":user.created")).isEqualTo(1L);
			assertThat(meters.get("redis.stream.client.events.published").tag("type", "order.created").counter()
				.count()).isEqualTo(2);
			assertThat(meters.get("redis.stream.client.events.consumed").tags("type", "order.created", "outcome",
					"acked", "group", this.group).counter().count()).isEqualTo(2);
		}
	}

	@Test
	void twoListenersOfOneGroupEachShowTheirOwnQueue(RedisServer redis, LettuceConnectionFactory factory) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try (EventStreamConsumer orders = this.streams.consumer(factory, RecordingHandler.accepting(),
				(b) -> b.consumerName("orders-listener").meterRegistry(meters));
				EventStreamConsumer users = this.streams.consumer(factory, RecordingHandler.accepting(),
						(b) -> b.consumerName("users-listener").eventTypes(List.of("user.created"))
							.meterRegistry(meters))) {
			orders.start();
			users.start();
			// Before, both registered one gauge (group only): the second listener's queue was invisible.
			assertThat(meters.find("redis.stream.client.events.queue.size").tag("group", this.group).gauges())
				.extracting((gauge) -> gauge.getId().getTag("consumer"))
				.containsExactlyInAnyOrder("orders-listener", "users-listener");
			assertThat(meters.find("redis.stream.client.events.dropped").tag("group", this.group).functionCounters())
				.hasSize(2);
		}
	}

	@Test
	void everyPublishTrimsTheStreamToAboutMaxLength(RedisServer redis, LettuceConnectionFactory factory) {
		EventStreamPublisher trimmed = this.streams.publisher(factory, (b) -> b.maxLength(100));
		EventStreamPublisher unlimited = this.streams.publisher(factory, (b) -> b.maxLength(0));

		for (int i = 0; i < 1000; i++) {
			trimmed.publish("tick", i);
			unlimited.publish("tock", i);
		}

		// Approximate trimming removes whole radix tree nodes (100 entries each by default).
		assertThat((Long) redis.command("XLEN", this.prefix + ":tick")).isBetween(100L, 200L);
		assertThat(redis.command("XLEN", this.prefix + ":tock")).isEqualTo(1000L);
	}

	@Test
	void entriesOfACrashedConsumerAreReclaimedAndProcessed(RedisServer redis, LettuceConnectionFactory factory) {
		EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b);
		List<String> published = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			published.add(publisher.publish("order.created", "order-" + i));
		}
		String stream = this.prefix + ":order.created";
		EventStreamAdmin.of(factory, this.prefix).createGroup("order.created", this.group);
		// What a consumer that crashed mid-batch leaves behind: entries delivered to it, never acknowledged.
		redis.command("XREADGROUP", "GROUP", this.group, "crashed", "COUNT", "10", "STREAMS", stream, ">");
		assertThat(pending(redis, "order.created")).isEqualTo(5);
		RecordingHandler handler = RecordingHandler.accepting();

		try (EventStreamConsumer survivor = this.streams.consumer(factory, handler,
				(b) -> b.reclaimMinIdle(Duration.ofMillis(300)).reclaimInterval(Duration.ofMillis(200)))) {
			survivor.start();

			await().atMost(WAIT).until(() -> handler.completed.size() == 5 && pending(redis, "order.created") == 0);
			assertThat(handler.completedEntryIds()).containsExactlyInAnyOrderElementsOf(published);
			// The crashed consumer's delivery counted: these are second deliveries.
			assertThat(handler.completed).allSatisfy((e) -> assertThat(e.deliveryCount()).isEqualTo(2));
		}
	}

	@Test
	void entriesOfAConsumerClosedWithAStuckHandlerAreTakenOver(RedisServer redis, LettuceConnectionFactory factory)
			throws InterruptedException {
		EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b);
		List<String> published = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			published.add(publisher.publish("order.created", "order-" + i));
		}
		CountDownLatch stuck = new CountDownLatch(1);
		RecordingHandler stuckHandler = new RecordingHandler((event) -> {
			stuck.countDown();
			new CountDownLatch(1).await();
		});
		EventStreamConsumer first = this.streams.consumer(factory, stuckHandler,
				(b) -> b.batchSize(1).shutdownTimeout(Duration.ofMillis(200)));
		first.start();
		assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
		first.close();
		RecordingHandler handler = RecordingHandler.accepting();

		try (EventStreamConsumer second = this.streams.consumer(factory, handler,
				(b) -> b.reclaimMinIdle(Duration.ofMillis(300)).reclaimInterval(Duration.ofMillis(200)))) {
			second.start();

			await().atMost(WAIT).until(() -> handler.completed.size() == 3 && pending(redis, "order.created") == 0);
			assertThat(handler.completedEntryIds()).containsExactlyInAnyOrderElementsOf(published);
			assertThat(stuckHandler.calls).hasSize(1);
			assertThat(stuckHandler.completed).isEmpty();
		}
	}

	@Test
	void poisonEventIsDeadLetteredAfterExactlyMaxDeliveriesWhileOthersFlow(RedisServer redis,
			LettuceConnectionFactory factory) {
		RecordingHandler handler = new RecordingHandler((event) -> {
			if (event.event().payloadAs(String.class).equals("poison")) {
				throw new IllegalStateException("cannot digest " + event.entryId());
			}
		});
		EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b);
		String stream = this.prefix + ":order.created";

		try (EventStreamConsumer consumer = this.streams.consumer(factory, handler, (b) -> b.maxDeliveries(3))) {
			consumer.start();
			publisher.publish("order.created", "good-1");
			String poisonId = publisher.publish("order.created", "poison");
			publisher.publish("order.created", "good-2");

			await().atMost(WAIT).until(() -> deadLetterCount(redis) == 1 && pending(redis, "order.created") == 0);
			String poisonEventId = handler.calls.stream()
				.filter((e) -> e.entryId().equals(poisonId))
				.findFirst()
				.orElseThrow()
				.event()
				.id();
			assertThat(handler.callsFor(poisonEventId)).isEqualTo(3);
			assertThat(handler.calls.stream().filter((e) -> e.entryId().equals(poisonId)))
				.extracting(ReceivedEvent::deliveryCount)
				.containsExactly(1L, 2L, 3L);
			assertThat(handler.completedPayloads()).containsExactly("good-1", "good-2");
			Map<String, String> letter = onlyDeadLetter(redis);
			assertThat(letter).containsOnlyKeys("event", "error", "original_type", "original_stream", "original_id",
					"delivery_count");
			assertThat(letter.get("event")).isEqualTo(eventField(redis, stream, poisonId));
			assertThat(letter.get("error"))
				.isEqualTo("java.lang.IllegalStateException: cannot digest " + poisonId);
			assertThat(letter).containsEntry("original_type", "order.created")
				.containsEntry("original_stream", stream)
				.containsEntry("original_id", poisonId)
				.containsEntry("delivery_count", "3");
			DeadLetter listed = DeadLetters.of(factory, this.prefix).list(10).get(0);
			assertThat(listed.originalId()).isEqualTo(poisonId);
			assertThat(listed.deliveryCount()).isEqualTo(3);
		}
	}

	@Test
	void replayedDeadLettersAreProcessedOnceTheHandlerIsHealthy(RedisServer redis, LettuceConnectionFactory factory) {
		boolean[] healthy = { false };
		RecordingHandler handler = new RecordingHandler((event) -> {
			if (!healthy[0]) {
				throw new IllegalStateException("downstream unavailable");
			}
		});
		EventStreamPublisher publisher = this.streams.publisher(factory, (b) -> b);
		DeadLetters deadLetters = DeadLetters.of(factory, this.prefix);

		try (EventStreamConsumer consumer = this.streams.consumer(factory, handler, (b) -> b.maxDeliveries(1))) {
			consumer.start();
			publisher.publish("order.created", "first");
			publisher.publish("order.created", "second");
			await().atMost(WAIT).until(() -> deadLetterCount(redis) == 2);
			List<DeadLetter> letters = deadLetters.list(10);
			assertThat(letters).extracting(DeadLetter::error)
				.containsOnly("java.lang.IllegalStateException: downstream unavailable");
			healthy[0] = true;

			assertThat(deadLetters.replay(letters.get(0).id())).isTrue();
			assertThat(deadLetters.replay(letters.get(0).id())).isFalse();
			assertThat(deadLetters.replay(10)).isEqualTo(1);

			await().atMost(WAIT).until(() -> handler.completed.size() == 2);
			assertThat(handler.completedPayloads()).containsExactly("first", "second");
			assertThat(handler.completed).allSatisfy((e) -> assertThat(e.deliveryCount()).isEqualTo(1));
			assertThat(handler.completed).extracting((e) -> e.event().id())
				.containsExactly(eventId(letters.get(0)), eventId(letters.get(1)));
			assertThat(deadLetterCount(redis)).isZero();
			assertThat(deadLetters.list(10)).isEmpty();
			await().atMost(WAIT).until(() -> pending(redis, "order.created") == 0);
		}
	}

	@Test
	void entriesThatAreNotEventsAreDeadLetteredAtOnceWithoutCallingTheHandler(RedisServer redis,
			LettuceConnectionFactory factory) {
		String stream = this.prefix + ":order.created";
		String oops = (String) redis.command("XADD", stream, "*", "event", "{oops");
		String noEvent = (String) redis.command("XADD", stream, "*", "payload", "hello");
		String good = this.streams.publisher(factory, (b) -> b).publish("order.created", "fine");
		RecordingHandler handler = RecordingHandler.accepting();

		try (EventStreamConsumer consumer = this.streams.consumer(factory, handler, (b) -> b)) {
			consumer.start();

			await().atMost(WAIT).until(() -> deadLetterCount(redis) == 2 && handler.completed.size() == 1
					&& pending(redis, "order.created") == 0);
			assertThat(handler.calls).extracting(ReceivedEvent::entryId).containsExactly(good);
			List<DeadLetter> letters = DeadLetters.of(factory, this.prefix).list(10);
			assertThat(letters).extracting(DeadLetter::originalId).containsExactly(oops, noEvent);
			assertThat(letters.get(0).event()).isEqualTo("{oops");
			assertThat(letters.get(0).error()).startsWith("Malformed event: 'event' is not valid JSON");
			assertThat(letters.get(1).error()).isEqualTo("Malformed event: the entry has no 'event' field");
			assertThat(letters).extracting(DeadLetter::deliveryCount).containsOnly(1L);
		}
	}

	@Test
	void adminCreatesStreamsAndGroupsIdempotently(RedisServer redis, LettuceConnectionFactory factory) {
		EventStreamAdmin admin = EventStreamAdmin.of(factory, this.prefix);

		admin.createStream("order.created");
		admin.createStream("order.created");
		admin.createGroup("order.created", this.group);
		admin.createGroup("order.created", this.group);
		admin.createGroup("user.created", this.group);

		assertThat(admin.streamName("order.created")).isEqualTo(this.prefix + ":order.created");
		assertThat(admin.deadLetterStream()).isEqualTo(this.prefix + ":dlq");
		assertThat(redis.command("XLEN", this.prefix + ":order.created")).isEqualTo(0L);
		assertThat((List<?>) redis.command("XINFO", "GROUPS", this.prefix + ":order.created")).hasSize(1);
		assertThat(redis.command("EXISTS", this.prefix + ":user.created")).isEqualTo(1L);
	}

	private long pending(RedisServer redis, String type) {
		List<?> summary = (List<?>) redis.command("XPENDING", this.prefix + ":" + type, this.group);
		return (Long) summary.get(0);
	}

	private long deadLetterCount(RedisServer redis) {
		return (Long) redis.command("XLEN", this.prefix + ":dlq");
	}

	private Map<String, String> onlyDeadLetter(RedisServer redis) {
		List<?> entries = (List<?>) redis.command("XRANGE", this.prefix + ":dlq", "-", "+");
		assertThat(entries).hasSize(1);
		return fields((List<?>) ((List<?>) entries.get(0)).get(1));
	}

	private static String eventField(RedisServer redis, String stream, String entryId) {
		List<?> entries = (List<?>) redis.command("XRANGE", stream, entryId, entryId);
		return fields((List<?>) ((List<?>) entries.get(0)).get(1)).get("event");
	}

	private static Map<String, String> fields(List<?> flat) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i < flat.size(); i += 2) {
			fields.put((String) flat.get(i), (String) flat.get(i + 1));
		}
		return fields;
	}

	private static String eventId(DeadLetter letter) {
		try {
			return EventCodec.decode(letter.event()).id();
		}
		catch (EventCodec.MalformedEventException ex) {
			throw new AssertionError(ex);
		}
	}

}
