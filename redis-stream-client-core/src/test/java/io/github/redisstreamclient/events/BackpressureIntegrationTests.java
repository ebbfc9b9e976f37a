package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The in-flight queue when the handler cannot keep up: one worker stuck on a latch, a queue of 5 and 30 events.
 */
@RedisTest
class BackpressureIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final int EVENTS = 30;

	private static final int QUEUE = 5;

	private final String prefix = "bp-" + UUID.randomUUID();

	private final String stream = this.prefix + ":job";

	private final CountDownLatch release = new CountDownLatch(1);

	private final RecordingHandler handler = new RecordingHandler((event) -> this.release.await());

	@Test
	void blockLeavesUnreadEntriesInRedisAndProcessesAllOnceReleased(RedisServer redis,
			LettuceConnectionFactory factory) {
		List<String> published = publish(factory);

		try (EventStreamConsumer consumer = consumer(factory, BackpressureStrategy.BLOCK, 1)) {
			consumer.start();
			await().atMost(WAIT).until(() -> consumer.backpressureStats().queueSize() == QUEUE);

			BackpressureStats full = consumer.backpressureStats();
			assertThat(full.fillRatio()).isEqualTo(1.0);
			assertThat(full.maxQueueSize()).isEqualTo(QUEUE);
			assertThat(full.dropped()).isZero();
			// Delivered so far: the one in the handler, the queued ones and the one the reader waits to queue.
			assertThat(pending(redis)).isLessThanOrEqualTo(QUEUE + 2);
			assertThat(redis.command("XLEN", this.stream)).isEqualTo((long) EVENTS);

			this.release.countDown();
			await().atMost(WAIT).until(() -> this.handler.completed.size() == EVENTS && pending(redis) == 0);
			assertThat(this.handler.completedEntryIds()).containsExactlyElementsOf(published);
			assertThat(consumer.backpressureStats().dropped()).isZero();
		}
	}

	@Test
	void dropNewestKeepsTheFirstEntriesAndAcknowledgesTheDropped(RedisServer redis,
			LettuceConnectionFactory factory) {
		try (EventStreamConsumer consumer = consumer(factory, BackpressureStrategy.DROP_NEWEST, 10)) {
			consumer.start();
			List<String> published = publishOnceTheHandlerHoldsTheFirst(factory);
			long dropped = awaitAllReadThenRelease(redis, consumer);

			assertThat(dropped).isPositive();
			assertThat(this.handler.completed.size() + dropped).isEqualTo(EVENTS);
			assertThat(this.handler.completedEntryIds()).containsAll(published.subList(0, QUEUE));
			// The one in the handler and a full queue; everything else was dropped.
			assertThat(this.handler.completed).hasSize(QUEUE + 1);
		}
	}

	@Test
	void dropOldestKeepsTheLastEntriesAndAcknowledgesTheDropped(RedisServer redis,
			LettuceConnectionFactory factory) {
		try (EventStreamConsumer consumer = consumer(factory, BackpressureStrategy.DROP_OLDEST, 10)) {
			consumer.start();
			List<String> published = publishOnceTheHandlerHoldsTheFirst(factory);
			long dropped = awaitAllReadThenRelease(redis, consumer);

			assertThat(dropped).isPositive();
			assertThat(this.handler.completed.size() + dropped).isEqualTo(EVENTS);
			assertThat(this.handler.completedEntryIds()).containsAll(published.subList(EVENTS - QUEUE, EVENTS));
			// The one in the handler and a full queue; everything else was dropped.
			assertThat(this.handler.completed).hasSize(QUEUE + 1);
		}
	}

	/** Waits until every entry is either dropped (and acknowledged) or held, releases the handler, returns the drops. */
	private long awaitAllReadThenRelease(RedisServer redis, EventStreamConsumer consumer) {
		// The queue is checked inside the wait: with DROP_OLDEST, an entry read from Redis is pending a moment before
		// it takes the dropped one's place, when the count already adds up and the queue holds one less.
		await().atMost(WAIT)
			.until(() -> consumer.backpressureStats().dropped() + pending(redis) == EVENTS
					&& consumer.backpressureStats().queueSize() == QUEUE);
		this.release.countDown();
		long dropped = consumer.backpressureStats().dropped();
		await().atMost(WAIT).until(() -> this.handler.completed.size() + dropped == EVENTS && pending(redis) == 0);
		assertThat(consumer.backpressureStats().dropped()).isEqualTo(dropped);
		return dropped;
	}

	private List<String> publish(LettuceConnectionFactory factory) {
		EventStreamPublisher publisher = EventStreamPublisher.builder(factory).prefix(this.prefix).build();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < EVENTS; i++) {
			ids.add(publisher.publish("job", "job-" + i));
		}
		return ids;
	}

	/**
	 * Publishes one event, waits until the handler holds it, then publishes the rest: so that one is in the handler
	 * and the queue is full when the reader has read everything, however late the worker thread starts.
	 */
	private List<String> publishOnceTheHandlerHoldsTheFirst(LettuceConnectionFactory factory) {
		EventStreamPublisher publisher = EventStreamPublisher.builder(factory).prefix(this.prefix).build();
		List<String> ids = new ArrayList<>();
		ids.add(publisher.publish("job", "job-0"));
		await().atMost(WAIT).until(() -> this.handler.calls.size() == 1);
		for (int i = 1; i < EVENTS; i++) {
			ids.add(publisher.publish("job", "job-" + i));
		}
		return ids;
	}

	private EventStreamConsumer consumer(LettuceConnectionFactory factory, BackpressureStrategy strategy,
			int batchSize) {
		return EventStreamConsumer.builder(factory, "workers", this.handler)
			.prefix(this.prefix)
			.eventTypes(List.of("job"))
			.concurrency(1)
			.batchSize(batchSize)
			.blockTime(Duration.ofMillis(200))
			.backpressure(new BackpressureOptions(QUEUE, strategy, 0.8))
			.build();
	}

	private long pending(RedisServer redis) {
		return (Long) ((List<?>) redis.command("XPENDING", this.stream, "workers")).get(0);
	}

}
