package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The LBS backlog gauges and the processing timer against a real Redis; also run on Redis 6.2, which reports no
 * {@code lag} in {@code XINFO GROUPS}, so that the {@code XLEN - pending} path is tested there.
 */
@RedisTest
class BacklogMetersIntegrationTests {

	private final String service = "svc-" + UUID.randomUUID();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void lagCountsEntriesNotYetDeliveredAndPendingTheHeldOnes(RedisServer redis, LettuceConnectionFactory factory) {
		// At the limit of one stream, the consumer leaves the other entries in the LBS, undelivered.
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
				(b) -> b.maxOwnedStreams(1).meterRegistry(this.meters))) {
			await().atMost(Duration.ofSeconds(5)).until(() -> lag() == 0.0 && pending() == 0.0);
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			lbs.add("s1");
			lbs.add("s2");
			lbs.add("s3");

			await().atMost(Duration.ofSeconds(5)).until(() -> lag() == 2.0 && pending() == 1.0);
			assertThat(redis.command("XLEN", lbs.key())).isEqualTo(3L);

			consumer.client.done("s1");

			// The next one is delivered, and done() deleted the first: two entries left, one of them held.
			await().atMost(Duration.ofSeconds(5)).until(() -> lag() == 1.0 && pending() == 1.0);
			assertThat(consumer.ownedNames()).containsExactly("s2");
		}
		assertThat(lag()).isNaN();
	}

	@Test
	void processingTimesAStreamFromHeldToDone(LettuceConnectionFactory factory) {
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
				(b) -> b.meterRegistry(this.meters))) {
			LoadBalancerStream.of(factory, this.service).add("s1");
			await().atMost(Duration.ofSeconds(5)).until(() -> consumer.client.ownedStreams().size() == 1);
			long heldSince = consumer.client.ownedStreams().iterator().next().heldSince().toEpochMilli();
			Timer processing = this.meters.get("redis.stream.client.processing").tag("service", this.service).timer();
			assertThat(processing.count()).isZero();
			// Held for at least as long as the backlog took to show it.
			await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 1.0);
			long heldAtLeast = System.currentTimeMillis() - heldSince;

			consumer.client.done("s1");
			long heldAtMost = System.currentTimeMillis() - heldSince;

			assertThat(processing.count()).isEqualTo(1);
			assertThat(processing.totalTime(TimeUnit.MILLISECONDS)).isBetween((double) heldAtLeast,
					(double) heldAtMost);
			assertThatDoneAgainIsNotCountedTwice(consumer, processing);
		}
	}

	private void assertThatDoneAgainIsNotCountedTwice(TestConsumer consumer, Timer processing) {
		assertThat(consumer.client.doneAll()).isZero();
		assertThat(processing.count()).isEqualTo(1);
	}

	private double lag() {
		Gauge gauge = this.meters.find("redis.stream.client.lbs.lag").tag("service", this.service).gauge();
		return (gauge != null) ? gauge.value() : Double.NaN;
	}

	private double pending() {
		Gauge gauge = this.meters.find("redis.stream.client.lbs.pending").tag("service", this.service).gauge();
		return (gauge != null) ? gauge.value() : Double.NaN;
	}

}
