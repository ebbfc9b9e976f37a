package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code events.lag} and {@code events.pending} gauges against a real Redis; also run on Redis 6.2, where the
 * lag is NaN ({@code XINFO GROUPS} has no {@code lag} there).
 */
@RedisTest
class EventBacklogIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String prefix = "ev-" + UUID.randomUUID();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void lagCountsEventsNotYetReadAndPendingTheUnacknowledgedOnes(RedisServer redis,
			LettuceConnectionFactory factory) throws Exception {
		EventStreamPublisher publisher = EventStreamPublisher.builder(factory).prefix(this.prefix).build();
		for (int i = 0; i < 6; i++) {
			publisher.publish("order.created", "o-" + i);
		}
		CountDownLatch release = new CountDownLatch(1);
		RecordingHandler handler = new RecordingHandler((event) -> release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
		// One entry per read and a queue of one that blocks the reader: one in the handler, one queued, one read and
		// waiting for room; the other three are not read.
		try (EventStreamConsumer consumer = EventStreamConsumer.builder(factory, "billing", handler)
			.prefix(this.prefix)
			.eventTypes(List.of("order.created"))
			.batchSize(1)
			.blockTime(Duration.ofMillis(200))
			.backpressure(new BackpressureOptions(1, BackpressureStrategy.BLOCK, 0.8))
			.backlogRefreshInterval(Duration.ofMillis(100))
			.meterRegistry(this.meters)
			.build()) {
			consumer.start();

			await().atMost(WAIT).until(() -> pending() == 3.0);
			if (reportsLag()) {
				await().atMost(WAIT).until(() -> lag() == 3.0);
			}
			else {
				assertThat(lag()).isNaN();
			}

			release.countDown();

			await().atMost(WAIT).until(() -> handler.completed.size() == 6 && pending() == 0.0);
			if (reportsLag()) {
				await().atMost(WAIT).until(() -> lag() == 0.0);
			}
		}
		assertThat(pending()).isNaN();
	}

	private static boolean reportsLag() {
		return Integer.parseInt(RedisServer.version().split("\\.")[0]) >= 7;
	}

	private double lag() {
		return gauge("redis.stream.client.events.lag");
	}

	private double pending() {
		return gauge("redis.stream.client.events.pending");
	}

	private double gauge(String name) {
		Gauge gauge = this.meters.find(name).tags("group", "billing", "type", "order.created").gauge();
		return (gauge != null) ? gauge.value() : Double.NaN;
	}

}
