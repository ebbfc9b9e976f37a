package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ownership v2 (DESIGN.md, "Flows (ownership v2)"): one session per consumer, the owner hash, fair spread, poison
 * streams, rebalancing, group hygiene and reconciling after a stall, against a real Redis.
 */
@RedisTest
class SessionOwnershipIntegrationTests {

	private static final Duration TTL = Duration.ofMillis(1000);

	private final String service = "svc-" + UUID.randomUUID();

	private final ConsumerProcesses processes = new ConsumerProcesses();

	@AfterEach
	void killProcesses() {
		this.processes.close();
	}

	@Test
	void holdingStreamsCostsOneRenewalPerTickWhateverIsHeld(RedisServer redis, LettuceConnectionFactory factory) {
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "holder", (b) -> b)) {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			for (int i = 0; i < 300; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 300);
			redis.command("CONFIG", "RESETSTAT");
			await().pollDelay(Duration.ofSeconds(3)).until(() -> true);

			// 3 s at a renewal every TTL / 3 = 333 ms: about 9 ticks, each one PEXPIRE, whatever the 300 streams.
			assertThat(calls(redis, "pexpire")).isBetween(5L, 12L);
			// Nothing is read or written per stream while holding.
			assertThat(calls(redis, "hget")).isZero();
			assertThat(calls(redis, "hset")).isZero();
			assertThat(consumer.client.ownedStreams()).hasSize(300);
		}
	}

	@Test
	void redisRestartWithLiveOwnersMovesNothing() {
		try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			try (TestConsumer a = TestConsumer.start(factory, this.service, "a",
					(b) -> b.autoClaim(true).retryPolicy(RetryPolicy.unlimited()));
					TestConsumer b = TestConsumer.start(factory, this.service, "b",
							(b2) -> b2.autoClaim(true).retryPolicy(RetryPolicy.unlimited()))) {
				LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
				for (int i = 0; i < 20; i++) {
					lbs.add("stream-" + i);
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> a.client.ownedStreams().size() + b.client.ownedStreams().size() == 20);
				List<String> ownedByA = a.ownedNames();
				List<String> ownedByB = b.ownedNames();
				Object owners = redis.command("HGETALL", "{" + this.service + "-input}:owner");

				// Down for 1.5 x the TTL: every session has expired when Redis comes back.
				redis.kill();
				await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
				redis.restart();

				// Well past the TTL and the grace: the owners renewed and kept everything, nobody claimed anything.
				await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
					.until(() -> a.client.lastRenewal() != null
							&& a.client.lastRenewal().isAfter(java.time.Instant.now().minusSeconds(1)));
				assertThat(a.ownedNames()).isEqualTo(ownedByA);
				assertThat(b.ownedNames()).isEqualTo(ownedByB);
				assertThat(a.of(Type.STREAM_DISOWNED)).isEmpty();
				assertThat(b.of(Type.STREAM_DISOWNED)).isEmpty();
				assertThat(a.of(Type.STREAM_ADDED)).noneMatch(StreamNotification::claimed);
				assertThat(b.of(Type.STREAM_ADDED)).noneMatch(StreamNotification::claimed);
				assertThat(redis.command("HGETALL", "{" + this.service + "-input}:owner")).isEqualTo(owners);
			}
		}
	}

	@Test
	void poisonStreamIsDeadLetteredAfterExactlyMaxTakeovers(RedisServer redis, LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle first = this.processes.start(redis, this.service, "p1", TTL, false);
		String entryId = LoadBalancerStream.of(factory, this.service).add("poison", Map.of("k", "v"));
		first.awaitLine((line) -> line.startsWith("STREAM_ADDED poison"), Duration.ofSeconds(10));

		// Two takeovers from dead owners are allowed with maxTakeovers 2: p2 and p3 take it and die in turn.
		ConsumerProcesses.Handle second = this.processes.start(redis, this.service, "p2", TTL, true);
		second.awaitLine((line) -> line.startsWith("READY"), Duration.ofSeconds(10));
		first.kill();
		second.awaitLine((line) -> line.startsWith("STREAM_ADDED poison") && line.endsWith("true"),
				Duration.ofSeconds(10));
		ConsumerProcesses.Handle third = this.processes.start(redis, this.service, "p3", TTL, true);
		third.awaitLine((line) -> line.startsWith("READY"), Duration.ofSeconds(10));
		second.kill();
		third.awaitLine((line) -> line.startsWith("STREAM_ADDED poison") && line.endsWith("true"),
				Duration.ofSeconds(10));

		try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
				(b) -> b.autoClaim(true).maxTakeovers(2))) {
			third.kill();
			// The third takeover is one too many: dead-lettered with the reason, acknowledged, deleted.
			String deadLetters = this.service + "-input:dlq";
			await().atMost(Duration.ofSeconds(10)).until(() -> (Long) redis.command("XLEN", deadLetters) == 1L);
			String dead = String.valueOf(redis.command("XRANGE", deadLetters, "-", "+"));
			assertThat(dead).contains("max-takeovers 2").contains("taken over from dead consumers 2 times")
				.contains(entryId);
			assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(0L);
			assertThat(redis.command("HGET", "{" + this.service + "-input}:owner", entryId)).isNull();
			assertThat(survivor.client.ownedStreams()).isEmpty();
			assertThat(survivor.of(Type.STREAM_ADDED)).isEmpty();
		}
	}

	@Test
	void handoffsAndReleasesNeverDeadLetter(RedisServer redis, LettuceConnectionFactory factory) {
		List<TestConsumer> consumers = new ArrayList<>();
		consumers.add(TestConsumer.start(factory, this.service, "c0", (b) -> b.autoClaim(true).maxTakeovers(1)));
		String entryId = LoadBalancerStream.of(factory, this.service).add("precious");
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> consumers.get(0).client.ownedStreams().size() == 1);
			// Handed on five times with maxTakeovers 1, by close() and by release() in turn.
			for (int i = 1; i <= 5; i++) {
				TestConsumer current = consumers.get(i - 1);
				TestConsumer next = TestConsumer.start(factory, this.service, "c" + i,
						(b) -> b.autoClaim(true).maxTakeovers(1));
				consumers.add(next);
				if (i % 2 == 0) {
					current.client.ownedStreams().iterator().next().release();
				}
				else {
					current.close();
				}
				await().atMost(Duration.ofSeconds(3)).until(() -> next.client.ownedStreams().size() == 1);
				current.close();
			}
		}
		finally {
			consumers.forEach(TestConsumer::close);
		}
		assertThat(redis.command("XLEN", this.service + "-input:dlq")).isEqualTo(0L);
		assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(1L);
		// The delivery count is still the first delivery's: no handoff counted as a takeover.
		List<?> pending = (List<?>) redis.command("XPENDING", this.service + "-input", this.service + "-group", "-",
				"+", "10");
		assertThat(pending).singleElement().satisfies((entry) -> {
			assertThat(((List<?>) entry).get(0)).isEqualTo(entryId);
			assertThat(((List<?>) entry).get(3)).isEqualTo(1L);
		});
	}

	@Test
	void aDeadConsumersStreamsSpreadFairlyOverTheSurvivors(RedisServer redis, LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle dead = this.processes.start(redis, this.service, "dead", TTL, false);
		dead.awaitLine((line) -> line.startsWith("READY"), Duration.ofSeconds(10));
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		for (int i = 0; i < 30; i++) {
			lbs.add("stream-" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> dead.lines("STREAM_ADDED").size() == 30);
		List<TestConsumer> survivors = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				survivors.add(TestConsumer.start(factory, this.service, "s" + i, (b) -> b.autoClaim(true)));
			}
			dead.kill();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> survivors.stream().mapToInt((s) -> s.client.ownedStreams().size()).sum() == 30);
			// A fair share is 10; the most loaded survivor holds at most 1.2 x that.
			for (TestConsumer survivor : survivors) {
				assertThat(survivor.client.ownedStreams().size()).isBetween(8, 12);
			}
		}
		finally {
			survivors.forEach(TestConsumer::close);
		}
	}

	@Test
	void aBurstOfNewStreamsSpreadsOverIdleConsumers(RedisServer redis, LettuceConnectionFactory factory) {
		try (TestConsumer a = TestConsumer.start(factory, this.service, "a", (b) -> b);
				TestConsumer b = TestConsumer.start(factory, this.service, "b", (b2) -> b2)) {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			for (int i = 0; i < 20; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> a.client.ownedStreams().size() + b.client.ownedStreams().size() == 20);
			// A fair share is 10; the most loaded consumer holds at most 1.2 x that (it was 19/1 before).
			assertThat(a.client.ownedStreams().size()).isBetween(8, 12);
			assertThat(b.client.ownedStreams().size()).isBetween(8, 12);
		}
	}

	@Test
	void rebalancingGivesANewcomerItsShare(RedisServer redis, LettuceConnectionFactory factory) {
		try (TestConsumer early = TestConsumer.start(factory, this.service, "early",
				(b) -> b.autoClaim(true).rebalance(true).sweepInterval(Duration.ofMillis(300)))) {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			for (int i = 0; i < 20; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> early.client.ownedStreams().size() == 20);
			try (TestConsumer late = TestConsumer.start(factory, this.service, "late",
					(b) -> b.autoClaim(true).rebalance(true).sweepInterval(Duration.ofMillis(300)))) {
				await().atMost(Duration.ofSeconds(10)).until(() -> late.client.ownedStreams().size() == 10
						&& early.client.ownedStreams().size() == 10);
				// Notifications arrive after the ownership changed. A released stream the newcomer was slow to take
				// may go back to the releaser after two pauses and be released again: each stream early gave up for
				// good is one rebalancing more than it took back.
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
					assertThat(early.of(Type.STREAM_DISOWNED))
						.allSatisfy((n) -> assertThat(n.reason()).isEqualTo("rebalanced"));
					long takenBack = early.of(Type.STREAM_ADDED).stream().filter(StreamNotification::claimed).count();
					assertThat(early.of(Type.STREAM_DISOWNED).size() - takenBack).isEqualTo(10);
					assertThat(late.of(Type.STREAM_ADDED)).hasSize(10).allMatch(StreamNotification::claimed);
				});
				List<String> all = new ArrayList<>(early.ownedNames());
				all.addAll(late.ownedNames());
				assertThat(all).doesNotHaveDuplicates().hasSize(20);
				// Rebalancing is a release, not a takeover: nothing counts towards maxTakeovers.
				List<?> pending = (List<?>) redis.command("XPENDING", this.service + "-input",
						this.service + "-group", "-", "+", "100");
				assertThat(pending).hasSize(20).allSatisfy((entry) -> assertThat(((List<?>) entry).get(3)).isEqualTo(1L));
			}
		}
	}

	@Test
	void releaseGivesOneStreamToAnotherConsumerThatResumesFromTheCheckpoint(RedisServer redis,
			LettuceConnectionFactory factory) {
		redis.command("XADD", "data-" + this.service, "1-1", "n", "1");
		redis.command("XADD", "data-" + this.service, "1-2", "n", "2");
		try (TestConsumer giver = TestConsumer.start(factory, this.service, "giver", (b) -> b.autoClaim(true))) {
			String entryId = LoadBalancerStream.of(factory, this.service).add("data-" + this.service);
			await().atMost(Duration.ofSeconds(10)).until(() -> giver.client.ownedStreams().size() == 1);
			OwnedStream given = giver.client.ownedStreams().iterator().next();
			given.commit("1-1");
			try (TestConsumer taker = TestConsumer.start(factory, this.service, "taker", (b) -> b.autoClaim(true))) {
				given.release();

				assertThat(given.isOwned()).isFalse();
				assertThat(given.cancellation()).isDone();
				await().atMost(Duration.ofSeconds(2)).until(() -> taker.client.ownedStreams().size() == 1);
				OwnedStream taken = taker.client.ownedStreams().iterator().next();
				assertThat(taken.ref().lbsEntryId()).isEqualTo(entryId);
				assertThat(taken.read(10, Duration.ZERO)).extracting(StreamEntry::id).containsExactly("1-2");
				assertThat(giver.client.ownedStreams()).isEmpty();
				assertThat(redis.command("HGET", "{" + this.service + "-input}:owner", entryId))
					.isEqualTo("redis-consumer-taker:" + taken.fencingToken());
			}
		}
	}

	@Test
	void withoutAutoClaimEachReleaseIsAnnouncedEvenOfTheSameStreamMomentsApart(LettuceConnectionFactory factory) {
		try (TestConsumer giver = TestConsumer.start(factory, this.service, "giver", (b) -> b)) {
			LoadBalancerStream.of(factory, this.service).add("passed-around");
			await().atMost(Duration.ofSeconds(10)).until(() -> giver.client.ownedStreams().size() == 1);
			StreamRef ref = giver.client.ownedStreams().iterator().next().ref();
			// Started once the stream is held, so that the giver is the one that read it.
			try (TestConsumer watcher = TestConsumer.start(factory, this.service, "watcher",
					(b) -> b.sweepInterval(Duration.ofMinutes(10)))) {
				giver.client.ownedStreams().iterator().next().release();
				await().atMost(Duration.ofSeconds(5)).until(() -> watcher.of(Type.STREAM_EXPIRED).size() == 1);
				assertThat(giver.client.claim(ref)).isTrue();
				giver.client.ownedStreams().iterator().next().release();

				// Well within the watcher's sweep interval: a release is news each time.
				await().atMost(Duration.ofSeconds(5)).until(() -> watcher.of(Type.STREAM_EXPIRED).size() == 2);
				assertThat(watcher.of(Type.STREAM_EXPIRED)).extracting(StreamNotification::stream)
					.containsExactly(ref, ref);
			}
		}
	}

	@Test
	void closeLeavesTheGroupAndTheSweepRemovesLongGoneNames(RedisServer redis, LettuceConnectionFactory factory) {
		String lbs = this.service + "-input";
		String group = this.service + "-group";
		try (TestConsumer sweeper = TestConsumer.start(factory, this.service, "sweeper", (b) -> b)) {
			// A consumer that held nothing leaves no name behind.
			TestConsumer.start(factory, this.service, "passing", (b) -> b).close();
			assertThat(consumerNames(redis, lbs, group)).containsExactly("redis-consumer-sweeper");

			// A name without session and without pending entries (a pod long gone) is removed once idle for
			// lbsIdleTime (3 s in these tests).
			redis.command("XGROUP", "CREATECONSUMER", lbs, group, "redis-consumer-gone");
			assertThat(consumerNames(redis, lbs, group)).contains("redis-consumer-gone");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !consumerNames(redis, lbs, group).contains("redis-consumer-gone"));
			assertThat(consumerNames(redis, lbs, group)).containsExactly("redis-consumer-sweeper");
		}
	}

	@Test
	void afterAStallOnlyTheStreamsReallyTakenAreDisowned(RedisServer redis, LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle stalled = this.processes.start(redis, this.service, "stalled", TTL, false);
		stalled.awaitLine((line) -> line.startsWith("READY"), Duration.ofSeconds(10));
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		lbs.add("taken");
		lbs.add("kept");
		await().atMost(Duration.ofSeconds(10)).until(() -> stalled.lines("STREAM_ADDED").size() == 2);
		// The survivor takes only one of the two streams it is told about.
		try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor", (b) -> b,
				(client, n) -> {
					if (n.type() == Type.STREAM_EXPIRED && "taken".equals(n.streamName())) {
						client.claim(n.stream());
					}
				})) {
			stalled.freeze();
			await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().contains("taken"));
			stalled.thaw();

			stalled.awaitLine((line) -> line.startsWith("STREAM_DISOWNED taken"), Duration.ofSeconds(10));
			stalled.send("owned");
			stalled.awaitLine((line) -> line.startsWith("OWNED"), Duration.ofSeconds(5));
			assertThat(stalled.lines("OWNED")).containsExactly("OWNED 1");
			assertThat(stalled.lines("STREAM_DISOWNED")).hasSize(1);
			stalled.send("done kept");
			stalled.awaitLine((line) -> line.equals("DONE kept"), Duration.ofSeconds(5));
		}
	}

	private static List<String> consumerNames(RedisServer redis, String lbs, String group) {
		List<String> names = new ArrayList<>();
		for (Object consumer : (List<?>) redis.command("XINFO", "CONSUMERS", lbs, group)) {
			List<?> fields = (List<?>) consumer;
			Map<Object, Object> byName = new HashMap<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				byName.put(fields.get(i), fields.get(i + 1));
			}
			names.add(String.valueOf(byName.get("name")));
		}
		return names;
	}

	private static long calls(RedisServer redis, String command) {
		String stats = (String) redis.command("INFO", "commandstats");
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_" + command + ":")) {
				return Long.parseLong(line.replaceAll(".*\\bcalls=(\\d+).*", "$1"));
			}
		}
		return 0;
	}

}
