package io.github.redisstreamclient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Redis itself fails: killed and restarted, or gone for good; and a Redis that forbids {@code CONFIG}.
 */
class RedisOutageIntegrationTests {

	private final String service = "svc-" + UUID.randomUUID();

	@Test
	void notificationFlagsARestartedRedisForgotAreSetAgainAndExpiriesAreHeardAgain() {
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
					(b) -> b.autoClaim(true)
						.retryPolicy(RetryPolicy.unlimited())
						.sweepInterval(Duration.ofMillis(300))
						.notificationCheckInterval(Duration.ofMillis(300))
						.meterRegistry(meters))) {
				assertThat(notifyFlags(redis)).contains("E").containsAnyOf("x", "A");

				// The flags were set by CONFIG SET, which a restart forgets; cleared here as well, so that the test
				// does not depend on whether the client looked before or after the restart.
				redis.kill();
				redis.restart();
				redis.command("CONFIG", "SET", "notify-keyspace-events", "");

				await().atMost(Duration.ofSeconds(15))
					.until(() -> notifyFlags(redis).contains("E") && notifyFlags(redis).contains("x"));
				// Expiries are published again: a session key of the service that expires is heard of as a keyevent.
				redis.command("SET", "{" + this.service + "-input}:session:redis-consumer-gone", "1", "PX", "100");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> meters.find("redis.stream.client.expirations.detected")
						.tag("source", "notification")
						.counter() != null);
			}
		}
	}

	private static String notifyFlags(RedisServer redis) {
		Object reply = redis.command("CONFIG", "GET", "notify-keyspace-events");
		return String.valueOf(((java.util.List<?>) reply).get(1));
	}

	@Test
	void readerComesBackAfterRedisRestartAndNoEntryIsLost() {
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
					(b) -> b.retryPolicy(RetryPolicy.unlimited()))) {
				for (int i = 1; i <= 5; i++) {
					lbs.add("before-" + i);
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 5);

				redis.kill();
				// Stay down past the lease TTL: renewals fail, and the leases are expired when Redis is back.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> consumer.client.lastRenewal().isBefore(Instant.now().minusMillis(1500)));
				redis.restart();
				for (int i = 1; i <= 5; i++) {
					lbs.add("after-" + i);
				}

				await().atMost(Duration.ofSeconds(30)).until(() -> consumer.client.ownedStreams().size() == 10);
				assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(10L);
				assertThat(consumer.ownedNames()).contains("before-1", "before-5", "after-1", "after-5");
				assertThat(consumer.of(Type.STREAM_TERMINATED)).isEmpty();
				assertThat(consumer.client.isRunning()).isTrue();
				assertThat(consumer.of(Type.STREAM_DISOWNED)).isEmpty();
			}
		}
	}

	@Test
	void doneThatCannotReachRedisKeepsTheStreamOwnedForARetry() {
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
					(b) -> b.retryPolicy(RetryPolicy.unlimited()))) {
				LoadBalancerStream.of(factory, this.service).add("session-1");
				await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 1);
				redis.suspend();
				try {
					assertThatThrownBy(() -> consumer.client.done("session-1")).isInstanceOf(RuntimeException.class)
						.isNotInstanceOf(StreamNotOwnedException.class);
					assertThat(consumer.ownedNames()).containsExactly("session-1");
				}
				finally {
					redis.resume();
				}

				consumer.client.done("session-1");

				assertThat(consumer.client.ownedStreams()).isEmpty();
				assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(0L);
			}
		}
	}

	@Test
	void doneRetriedAfterItsAnswerWasLostSucceeds() {
		try (RedisServer redis = RedisServer.start()) {
			LettuceConnectionFactory factory = redis.connectionFactory(); // 5 s command timeout
			try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
					(b) -> b.retryPolicy(RetryPolicy.unlimited()).leaseTtl(Duration.ofSeconds(10))
						.lbsIdleTime(Duration.ofSeconds(30)))) {
				LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
				lbs.add("session-1");
				lbs.add("session-2");
				await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 2);
				// Redis knows the script from now on, so the EVALSHA sent below runs once the pause is over.
				consumer.client.done("session-1");
				// Redis holds writes longer than the command timeout, then runs the done it was sent: the client
				// gave up waiting for the answer, as after a slow fsync or a long fork.
				redis.command("CLIENT", "PAUSE", "7000", "WRITE");
				assertThatThrownBy(() -> consumer.client.done("session-2")).isInstanceOf(RuntimeException.class)
					.isNotInstanceOf(StreamNotOwnedException.class);
				// Once the pause is over the renewer finds the stream finished: not lost, nothing to cancel.
				await().atMost(Duration.ofSeconds(20)).until(() -> consumer.client.ownedStreams().isEmpty());
				assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(0L);

				// A retry is told the truth as well: the stream is finished, nobody took it over.
				consumer.client.done("session-2");

				assertThat(consumer.of(Type.STREAM_DISOWNED)).isEmpty();
			}
		}
	}

	@Test
	void readerTerminatesWhenRetriesAreExhausted() {
		try (RedisServer redis = RedisServer.start()) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
					(b) -> b.retryPolicy(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100))))) {
				redis.kill();

				await().atMost(Duration.ofSeconds(30)).until(() -> !consumer.of(Type.STREAM_TERMINATED).isEmpty());
				assertThat(consumer.of(Type.STREAM_TERMINATED).get(0).reason()).contains("retries exhausted");
				assertThat(consumer.client.isTerminated()).isTrue();
				assertThat(consumer.client.isRunning()).isFalse();
			}
		}
	}

	@Test
	void withConfigRenamedAwayFailuresAreRecoveredBySweeping() {
		try (RedisServer redis = RedisServer.start("--rename-command", "CONFIG", "");
				ConsumerProcesses processes = new ConsumerProcesses()) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			ConsumerProcesses.Handle owner = processes.start(redis, this.service, "owner", Duration.ofMillis(1000),
					false);
			LoadBalancerStream.of(factory, this.service).add("session-1");
			owner.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
			try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
					(b) -> b.autoClaim(true).sweepInterval(Duration.ofMillis(500)))) {
				assertThat(survivor.client.expiryDetection()).isEqualTo("sweep");
				RecoverableStreamClient forced = RecoverableStreamClient.builder(factory, this.service)
					.keyspaceNotifications(KeyspaceNotifications.FORCE)
					.build();
				assertThatThrownBy(forced::start).isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("FORCE");
				assertThat(forced.isRunning()).isFalse();
				owner.kill();

				await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().contains("session-1"));
			}
		}
	}

}
