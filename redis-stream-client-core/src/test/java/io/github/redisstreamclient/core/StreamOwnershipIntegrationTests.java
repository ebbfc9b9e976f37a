package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Go client's integration scenarios that need no crash: assignment, info, blocking reads, done, doneAll, bad
 * input and the owned-streams limit, against a real Redis.
 */
@RedisTest
class StreamOwnershipIntegrationTests {

	private final String service = "svc-" + UUID.randomUUID();

	@Test
	void twoConsumersTwoStreamsEachGetsOneAndInfoIsEchoed(RedisServer redis, LettuceConnectionFactory factory) {
		try (TestConsumer a = TestConsumer.start(factory, this.service, "a", (b) -> b);
				TestConsumer b = TestConsumer.start(factory, this.service, "b", (o) -> o)) {
			awaitBlockedReaders(redis, 2);
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			lbs.add("session-1", Map.of("user_id", "u-1", "priority", "high"));
			lbs.add("session-2", Map.of("user_id", "u-2"));

			await().atMost(Duration.ofSeconds(10))
				.until(() -> a.addedNames().size() + b.addedNames().size() == 2);
			assertThat(a.addedNames()).hasSize(1);
			assertThat(b.addedNames()).hasSize(1);
			List<StreamNotification> added = new ArrayList<>(a.of(Type.STREAM_ADDED));
			added.addAll(b.of(Type.STREAM_ADDED));
			StreamNotification first = added.stream()
				.filter((n) -> n.streamName().equals("session-1"))
				.findFirst()
				.orElseThrow();
			assertThat(first.info()).containsEntry("user_id", "u-1").containsEntry("priority", "high");
			assertThat(first.claimed()).isFalse();
			assertThat(first.fencingToken()).isPositive();
			assertThat(a.client.id()).isEqualTo("redis-consumer-a");
		}
	}

	@Test
	void startsPermissionProbeLeavesWaitingEntriesToTheReader(RedisServer redis, LettuceConnectionFactory factory) {
		// The group exists (an earlier consumer made it) and entries wait in the LBS when the next one starts.
		TestConsumer.start(factory, this.service, "first", (b) -> b).close();
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		lbs.add("waiting-1");
		lbs.add("waiting-2");

		try (TestConsumer next = TestConsumer.start(factory, this.service, "next", (b) -> b)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> next.addedNames().size() == 2);
			assertThat(next.addedNames()).containsExactly("waiting-1", "waiting-2");
			assertThat(next.of(Type.STREAM_ADDED)).noneMatch(StreamNotification::claimed);
		}
	}

	@Test
	void blockingReadDeliversOnlyStreamsAddedAfterStart(RedisServer redis, LettuceConnectionFactory factory) {
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		lbs.add("before-start");
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a", (b) -> b)) {
			awaitBlockedReaders(redis, 1);
			lbs.add("after-start");

			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.addedNames().contains("after-start"));
			// Entries are delivered in order: once the later one arrived, the earlier one never will.
			assertThat(consumer.addedNames()).containsExactly("after-start");
		}
	}

	@Test
	void doneAcknowledgesAndDeletesTheEntryAndDoneAllFinishesTheRest(RedisServer redis,
			LettuceConnectionFactory factory) {
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a", (b) -> b)) {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			for (int i = 1; i <= 3; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 3);
			assertThat(redis.command("XLEN", lbs.key())).isEqualTo(3L);
			assertThat(pendingCount(redis)).isEqualTo(3L);

			consumer.client.done("stream-1");

			assertThat(redis.command("XLEN", lbs.key())).isEqualTo(2L);
			assertThat(pendingCount(redis)).isEqualTo(2L);
			assertThat(consumer.ownedNames()).containsExactly("stream-2", "stream-3");
			assertThatThrownBy(() -> consumer.client.done("stream-1")).isInstanceOf(StreamNotOwnedException.class);

			assertThat(consumer.client.doneAll()).isEqualTo(2);

			assertThat(redis.command("XLEN", lbs.key())).isEqualTo(0L);
			assertThat(pendingCount(redis)).isEqualTo(0L);
			assertThat(consumer.client.ownedStreams()).isEmpty();
			assertThat(redis.command("HLEN", "{" + lbs.key() + "}:owner")).isEqualTo(0L);
		}
	}

	@Test
	void ownedStreamHandleFinishesItsStream(RedisServer redis, LettuceConnectionFactory factory) {
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a", (b) -> b)) {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			String entryId = lbs.add("orders-7", Map.of("tenant", "t1"));
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 1);

			OwnedStream owned = consumer.client.ownedStreams().iterator().next();
			assertThat(owned.name()).isEqualTo("orders-7");
			assertThat(owned.ref()).isEqualTo(new StreamRef("orders-7", entryId));
			assertThat(owned.info()).containsEntry("tenant", "t1");
			assertThat(owned.heldSince()).isNotNull();
			assertThat(redis.command("HGET", "{" + lbs.key() + "}:owner", entryId))
				.isEqualTo("redis-consumer-a:" + owned.fencingToken());

			owned.done();

			assertThat(owned.isOwned()).isFalse();
			assertThat(redis.command("XLEN", lbs.key())).isEqualTo(0L);
			// Finishing a finished stream is a no-op, so that a done() retried after a lost answer cannot fail.
			assertThatCode(owned::done).doesNotThrowAnyException();
			assertThat(redis.command("XLEN", lbs.key())).isEqualTo(0L);
		}
	}

	@Test
	void malformedPendingEntryDoesNotStopStartAndIsDeadLettered(RedisServer redis, LettuceConnectionFactory factory) {
		String lbs = this.service + "-input";
		String group = this.service + "-group";
		redis.command("XGROUP", "CREATE", lbs, group, "$", "MKSTREAM");
		String badId = (String) redis.command("XADD", lbs, "*", "lbs-input", "{not json");
		// Delivered to a consumer that then vanished: pending, no lease.
		redis.command("XREADGROUP", "GROUP", group, "ghost", "COUNT", "10", "STREAMS", lbs, ">");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !((List<?>) redis.command("XPENDING", lbs, group, "IDLE", "3500", "-", "+", "10")).isEmpty());

		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a", (b) -> b)) {
			String missingField = (String) redis.command("XADD", lbs, "*", "other", "x");
			LoadBalancerStream.of(factory, this.service).add("good-stream");

			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.addedNames().contains("good-stream"));
			await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(redis).size() == 2);
			List<Map<String, String>> letters = deadLetters(redis);
			assertThat(letters).anySatisfy((letter) -> {
				assertThat(letter).containsEntry("lbs-entry-id", badId).containsEntry("lbs-input", "{not json");
				assertThat(letter.get("reason")).contains("not valid JSON");
			});
			assertThat(letters).anySatisfy((letter) -> {
				assertThat(letter).containsEntry("lbs-entry-id", missingField).containsEntry("other", "x");
				assertThat(letter.get("reason")).contains("missing field 'lbs-input'");
			});
			assertThat(pendingCount(redis)).isEqualTo(1L);
			assertThat(consumer.addedNames()).containsExactly("good-stream");
		}
	}

	@Test
	void atMaxOwnedStreamsAConsumerStopsTakingAndAnotherGetsTheRest(LettuceConnectionFactory factory) {
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		try (TestConsumer full = TestConsumer.start(factory, this.service, "full",
				(b) -> b.maxOwnedStreams(2).autoClaim(true))) {
			for (int i = 1; i <= 4; i++) {
				lbs.add("s" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> full.client.ownedStreams().size() == 2);

			try (TestConsumer other = TestConsumer.start(factory, this.service, "other", (b) -> b.autoClaim(true))) {
				await().atMost(Duration.ofSeconds(15)).until(() -> other.client.ownedStreams().size() == 2);
				assertThat(full.client.ownedStreams()).hasSize(2);
				List<String> all = new ArrayList<>(full.ownedNames());
				all.addAll(other.ownedNames());
				assertThat(all).containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
				// The full consumer read no more than it could own (its read COUNT follows its free room), so the
				// other one got s3 and s4 straight from the LBS, not after they idled in the full one's pending list.
				var pending = new StringRedisTemplate(factory).opsForStream()
					.pending(this.service + "-input", this.service + "-group");
				assertThat(pending.getPendingMessagesPerConsumer()).containsEntry(full.client.id(), 2L);

				// Room again: the full consumer takes new work once it finishes some.
				full.client.done(full.ownedNames().get(0));
				lbs.add("s5");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> full.ownedNames().contains("s5") || other.ownedNames().contains("s5"));
			}
		}
	}

	@Test
	void closeDoesNotWaitForAReadBlockedInRedis(RedisServer redis, LettuceConnectionFactory factory) {
		// Just under the test factory's 5 s command timeout, beyond which Lettuce would end the read itself.
		TestConsumer consumer = TestConsumer.start(factory, this.service, "blocked",
				(b) -> b.lbsBlockTime(Duration.ofMillis(4500)));
		// Redis lists the reader's connection as blocked (flag b) in XREADGROUP ... BLOCK 4500.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ((String) redis.command("CLIENT", "LIST")).lines()
				.anyMatch((client) -> client.contains("flags=b") && client.contains("cmd=xreadgroup")));

		long start = System.nanoTime();
		consumer.close();
		long closeMillis = (System.nanoTime() - start) / 1_000_000;

		// Waiting for the read would take the rest of its block time, up to 4.5 s.
		assertThat(closeMillis).isLessThan(2_000);
		assertThat(consumer.client.isReading()).isFalse();
	}

	@Test
	void metersCountAssignmentsOwnedStreamsAndRenewals(LettuceConnectionFactory factory) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a", (b) -> b.meterRegistry(meters))) {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			lbs.add("s1");
			lbs.add("s2");
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 2);

			assertThat(meters.get("redis.stream.client.assignments").tag("service", this.service).counter().count())
				.isEqualTo(2.0);
			assertThat(meters.get("redis.stream.client.streams.owned").gauge().value()).isEqualTo(2.0);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> meters.find("redis.stream.client.lease.renewals").tag("outcome", "renewed").counter() != null
						&& meters.get("redis.stream.client.lease.renewals").tag("outcome", "renewed").counter()
							.count() >= 2);
			assertThat(meters.get("redis.stream.client.lease.renewal.latency").timer().count()).isPositive();

			consumer.client.done("s1");

			assertThat(meters.get("redis.stream.client.streams.owned").gauge().value()).isEqualTo(1.0);
			assertThat(meters.find("redis.stream.client.disowned").counter().count()).isZero();
		}
	}

	@Test
	void consumerIdFollowsTheGoClientRules() {
		assertThat(ConsumerIds.resolve("pod-a", Map.of("POD_NAME", "p"), this.service)).isEqualTo("redis-consumer-pod-a");
		assertThat(ConsumerIds.resolve(null, Map.of("POD_NAME", "p1", "POD_IP", "10.0.0.1"), this.service))
			.isEqualTo("redis-consumer-p1");
		assertThat(ConsumerIds.resolve(null, Map.of("POD_IP", "10.0.0.1"), this.service)).isEqualTo("redis-consumer-10.0.0.1");
		assertThat(ConsumerIds.resolve(null, Map.of(), this.service))
			.startsWith("redis-consumer-")
			.endsWith("-" + ProcessHandle.current().pid());
	}

	@Test
	void twoClientsOfOneServiceInOneJvmNeverShareAnId(LettuceConnectionFactory factory) {
		// Before, both defaulted to host name and pid: one session and one group name for two clients.
		RecoverableStreamClient first = RecoverableStreamClient.builder(factory, this.service).build();
		RecoverableStreamClient second = RecoverableStreamClient.builder(factory, this.service).build();
		assertThat(second.id()).isNotEqualTo(first.id()).startsWith(first.id());
		try (TestConsumer running = TestConsumer.start(factory, this.service, "same", (b) -> b)) {
			RecoverableStreamClient twin = RecoverableStreamClient.builder(factory, this.service)
				.consumerId("same")
				.build();
			assertThatIllegalStateException().isThrownBy(twin::start)
				.withMessageContaining("'redis-consumer-same' is already used")
				.withMessageContaining("redis-stream-client.consumer-id");
			twin.close();
			assertThat(running.client.isRunning()).isTrue();
		}
		// Closed, the id is free again (a restart in the same JVM).
		try (TestConsumer again = TestConsumer.start(factory, this.service, "same", (b) -> b)) {
			assertThat(again.client.isRunning()).isTrue();
		}
	}

	private long pendingCount(RedisServer redis) {
		List<?> summary = (List<?>) redis.command("XPENDING", this.service + "-input", this.service + "-group");
		return (Long) summary.get(0);
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, String>> deadLetters(RedisServer redis) {
		List<Map<String, String>> letters = new ArrayList<>();
		for (Object entry : (List<Object>) redis.command("XRANGE", this.service + "-input:dlq", "-", "+")) {
			List<Object> fields = (List<Object>) ((List<Object>) entry).get(1);
			Map<String, String> letter = new java.util.LinkedHashMap<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				letter.put((String) fields.get(i), (String) fields.get(i + 1));
			}
			letters.add(letter);
		}
		return letters;
	}

	/** Waits until {@code count} consumers of this service block in XREADGROUP, so who gets what is predictable. */
	static void awaitBlockedReaders(RedisServer redis, int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			String clients = (String) redis.command("CLIENT", "LIST");
			return clients.lines().filter((line) -> line.contains("cmd=xreadgroup")).count() >= count;
		});
	}

}
