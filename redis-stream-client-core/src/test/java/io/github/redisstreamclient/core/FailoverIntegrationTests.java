package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * Crashes, stalls and shutdowns: consumers in JVMs of their own are killed with SIGKILL or frozen with SIGSTOP, and
 * the survivors must take every stream over, once.
 */
@RedisTest
class FailoverIntegrationTests {

	private static final Duration TTL = Duration.ofMillis(1000);

	private final String service = "svc-" + UUID.randomUUID();

	private final ConsumerProcesses processes = new ConsumerProcesses();

	@AfterEach
	void killProcesses() {
		this.processes.close();
	}

	@Test
	void consumerStartingLaterRecoversAKilledConsumersStreamAtStartup(RedisServer redis,
			LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle dead = this.processes.start(redis, this.service, "dead", TTL, false);
		String entryId = LoadBalancerStream.of(factory, this.service).add("session-1", Map.of("k", "v"));
		dead.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
		dead.kill();
		awaitIdlePending(redis, Duration.ofMillis(3200), 1);

		// No sweep and no notifications: only the startup recovery can find the stream.
		try (TestConsumer late = TestConsumer.start(factory, this.service, "late",
				(b) -> b.sweepInterval(Duration.ofMinutes(10)).keyspaceNotifications(KeyspaceNotifications.OFF))) {
			// start() has claimed it; the notification reaches the listener on the notification thread.
			await().atMost(Duration.ofSeconds(5)).until(() -> !late.of(Type.STREAM_ADDED).isEmpty());
			assertThat(late.of(Type.STREAM_ADDED)).singleElement().satisfies((n) -> {
				assertThat(n.stream()).isEqualTo(new StreamRef("session-1", entryId));
				assertThat(n.claimed()).isTrue();
				assertThat(n.info()).containsEntry("k", "v");
			});
		}
	}

	@Test
	void fiveStreamsTwoDoneConsumerKilledAnotherRecoversExactlyTheOtherThree(RedisServer redis,
			LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle dead = this.processes.start(redis, this.service, "dead", TTL, false);
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		for (int i = 1; i <= 5; i++) {
			lbs.add("stream-" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> dead.lines("STREAM_ADDED").size() == 5);
		dead.send("done stream-2");
		dead.send("done stream-4");
		dead.awaitLine((line) -> line.equals("DONE stream-4"), Duration.ofSeconds(10));
		dead.kill();
		awaitIdlePending(redis, Duration.ofMillis(3200), 3);

		try (TestConsumer late = TestConsumer.start(factory, this.service, "late",
				(b) -> b.sweepInterval(Duration.ofMinutes(10)).keyspaceNotifications(KeyspaceNotifications.OFF))) {
			assertThat(late.ownedNames()).containsExactly("stream-1", "stream-3", "stream-5");
			assertThat(late.of(Type.STREAM_ADDED)).allMatch(StreamNotification::claimed);
		}
	}

	@Test
	void twoSurvivorsRaceToClaimOneExpiredStreamAndExactlyOneWins(RedisServer redis,
			LettuceConnectionFactory factory) {
		List<Boolean> claims = new CopyOnWriteArrayList<>();
		ConsumerProcesses.Handle owner = this.processes.start(redis, this.service, "owner", TTL, false);
		LoadBalancerStream.of(factory, this.service).add("contested");
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED contested"), Duration.ofSeconds(10));
		// A sweep interval far above the time a claim takes, so that the loser cannot be told twice before it.
		Duration sweepInterval = Duration.ofSeconds(3);
		try (TestConsumer b = TestConsumer.start(factory, this.service, "b", (o) -> o.sweepInterval(sweepInterval),
				(client, n) -> recordClaim(client, n, claims));
				TestConsumer c = TestConsumer.start(factory, this.service, "c", (o) -> o.sweepInterval(sweepInterval),
						(client, n) -> recordClaim(client, n, claims))) {
			owner.kill();

			await().atMost(Duration.ofSeconds(10)).until(() -> claims.contains(true));
			// Each survivor is told once within a sweep interval, however many ways it hears; one that looks after
			// the winner's claim no longer finds the stream pending for the dead owner and is not told: so one or
			// two were told, and exactly one won.
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.until(() -> b.client.ownedStreams().size() + c.client.ownedStreams().size() == 1);
			assertThat(claims).hasSizeBetween(1, 2).containsOnlyOnce(true);
		}
	}

	@Test
	void aSurvivorIsToldOfAnExpiredStreamOnceHoweverOftenItHearsTheOwnerIsGone(RedisServer redis,
			LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle owner = this.processes.start(redis, this.service, "owner", TTL, false);
		LoadBalancerStream.of(factory, this.service).add("unclaimed");
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED unclaimed"), Duration.ofSeconds(10));
		Duration reannounceAfter = Duration.ofSeconds(4);
		try (TestConsumer watcher = TestConsumer.start(factory, this.service, "watcher",
				(b) -> b.sweepInterval(reannounceAfter));
				TestConsumer sweeper = TestConsumer.start(factory, this.service, "sweeper",
						(b) -> b.sweepInterval(Duration.ofMillis(200)))) {
			owner.kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> !watcher.of(Type.STREAM_EXPIRED).isEmpty());
			long firstToldAt = System.nanoTime();

			// Nobody claims. The sweeper's sweeps find the owner dead and say so to the watcher about five times a
			// second, and the watcher's session expiry notification came first: it is still told once.
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
				.until(() -> watcher.of(Type.STREAM_EXPIRED).size() == 1);
			assertThat(sweeper.of(Type.STREAM_EXPIRED)).hasSizeGreaterThanOrEqualTo(3)
				.allSatisfy((n) -> assertThat(n.streamName()).isEqualTo("unclaimed"));

			// Still unclaimed one re-announce period (its sweep interval) later: told again.
			await().atMost(reannounceAfter.plusSeconds(3)).until(() -> watcher.of(Type.STREAM_EXPIRED).size() == 2);
			assertThat(Duration.ofNanos(System.nanoTime() - firstToldAt))
				.isGreaterThanOrEqualTo(reannounceAfter.minusMillis(250));
			assertThat(watcher.of(Type.STREAM_EXPIRED)).extracting(StreamNotification::streamName)
				.containsExactly("unclaimed", "unclaimed");
		}
	}

	private static void recordClaim(RecoverableStreamClient client, StreamNotification n, List<Boolean> claims) {
		if (n.type() == Type.STREAM_EXPIRED) {
			claims.add(client.claim(n.stream()));
		}
	}

	@Test
	void ownerDiesAndASurvivorClaimsWithinLeaseTtlPlusHalfASecond(RedisServer redis,
			LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle owner = this.processes.start(redis, this.service, "owner", TTL, false);
		LoadBalancerStream.of(factory, this.service).add("session-1");
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
		List<Long> claimedAt = new CopyOnWriteArrayList<>();
		try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor", (b) -> b,
				(client, n) -> {
					if (n.type() == Type.STREAM_EXPIRED && client.claim(n.stream())) {
						claimedAt.add(System.nanoTime());
					}
				})) {
			long killedAt = System.nanoTime();
			owner.kill();

			await().atMost(Duration.ofSeconds(10)).until(() -> !claimedAt.isEmpty());
			Duration failover = Duration.ofNanos(claimedAt.get(0) - killedAt);
			System.out.println("Failover (kill -> claim) with notifications: " + failover.toMillis() + " ms");
			assertThat(failover).isLessThanOrEqualTo(TTL.plusMillis(500));
			assertThat(survivor.of(Type.STREAM_EXPIRED)).first()
				.satisfies((n) -> assertThat(n.streamName()).isEqualTo("session-1"));
			assertThat(survivor.ownedNames()).containsExactly("session-1");
		}
	}

	@ParameterizedTest(name = "autoClaim={0}")
	@ValueSource(booleans = { true, false })
	void twoThousandStreamsTenConsumersTwoKilledEverythingEndsWithASurvivor(boolean autoClaim, RedisServer redis,
			LettuceConnectionFactory factory) {
		List<ConsumerProcesses.Handle> doomed = List.of(
				this.processes.start(redis, this.service, "doomed-1", TTL, autoClaim),
				this.processes.start(redis, this.service, "doomed-2", TTL, autoClaim));
		List<TestConsumer> survivors = new ArrayList<>();
		try {
			for (int i = 1; i <= 8; i++) {
				survivors.add(TestConsumer.start(factory, this.service, "survivor-" + i,
						(b) -> b.autoClaim(autoClaim).lbsBatchSize(10).notificationQueueCapacity(5000),
						autoClaim ? (client, n) -> {
						} : TestConsumer::claimOnExpired));
			}
			StreamOwnershipIntegrationTests.awaitBlockedReaders(redis, 10);
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			for (int i = 0; i < 2000; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(60))
				.until(() -> survivors.stream().mapToInt((s) -> s.client.ownedStreams().size()).sum()
						+ doomed.stream().mapToInt((d) -> d.lines("STREAM_ADDED").size()).sum() == 2000);
			int heldByDoomed = doomed.stream().mapToInt((d) -> d.lines("STREAM_ADDED").size()).sum();
			assertThat(heldByDoomed).as("streams held by the consumers about to be killed").isPositive();

			doomed.forEach(ConsumerProcesses.Handle::kill);

			await().atMost(Duration.ofSeconds(30))
				.until(() -> survivors.stream().mapToInt((s) -> s.client.ownedStreams().size()).sum() == 2000);
			Set<String> owned = new HashSet<>();
			long pendingWithSurvivors = 0;
			for (TestConsumer survivor : survivors) {
				for (OwnedStream stream : survivor.client.ownedStreams()) {
					assertThat(owned.add(stream.name())).as("%s owned twice", stream.name()).isTrue();
				}
				pendingWithSurvivors += pendingOf(redis, survivor.client.id());
			}
			assertThat(owned).hasSize(2000);
			assertThat(pendingWithSurvivors).isEqualTo(2000);
			assertThat(pendingOf(redis, "redis-consumer-doomed-1") + pendingOf(redis, "redis-consumer-doomed-2"))
				.isZero();
		}
		finally {
			survivors.forEach(TestConsumer::close);
		}
	}

	@Test
	void sweepRecoversAnExpiryWhoseNotificationWasLost(RedisServer redis, LettuceConnectionFactory factory) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ConsumerProcesses.Handle owner = this.processes.start(redis, this.service, "owner", TTL, false);
		LoadBalancerStream.of(factory, this.service).add("session-1");
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
		try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
				(b) -> b.autoClaim(true).sweepInterval(Duration.ofMillis(700)).meterRegistry(meters))) {
			// Lose the expiry event: cut every pub/sub connection and stop the server from publishing expiries.
			redis.command("CLIENT", "KILL", "TYPE", "pubsub");
			redis.command("CONFIG", "SET", "notify-keyspace-events", "");
			owner.kill();

			await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().contains("session-1"));
			assertThat(meters.get("redis.stream.client.expirations.detected").tag("source", "sweep").counter().count())
				.isPositive();
			assertThat(meters.find("redis.stream.client.expirations.detected").tag("source", "notification").counter())
				.isNull();
		}
		finally {
			redis.command("CONFIG", "SET", "notify-keyspace-events", "Ex");
		}
	}

	@Test
	void consumersTakeTurnsToSweepInsteadOfEachWalkingThePendingList(RedisServer redis,
			LettuceConnectionFactory factory) {
		// Redis 6.2's commandstats count XINFO as one command, GROUPS (read by share.lua) and CONSUMERS together.
		assumeTrue(RedisServer.majorVersion(RedisServer.version()) >= 7,
				"needs per-subcommand commandstats (Redis 7+), this is " + RedisServer.version());
		Duration interval = Duration.ofMillis(400);
		List<TestConsumer> consumers = new ArrayList<>();
		try {
			for (String id : List.of("a", "b", "c")) {
				consumers.add(TestConsumer.start(factory, this.service, id,
						(b) -> b.sweepInterval(interval).keyspaceNotifications(KeyspaceNotifications.OFF)));
			}
			// Each sweep is one XINFO CONSUMERS here (nothing else lists the consumers while nobody dies). Three
			// consumers sweeping on their own would make 6 in about one interval; taking turns, 6 sweeps need at
			// least 5 periods of 7/8 interval, however slow the machine.
			long before = censusCalls(redis);
			long start = System.nanoTime();
			await().atMost(Duration.ofSeconds(15)).until(() -> censusCalls(redis) - before >= 6);
			long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
			assertThat(elapsedMillis).isGreaterThanOrEqualTo(5 * (interval.toMillis() * 7 / 8));
		}
		finally {
			consumers.forEach(TestConsumer::close);
		}
	}

	@Test
	void theSweepersFindingsReachTheConsumersWhoseTurnItWasNot(RedisServer redis, LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle owner = this.processes.start(redis, this.service, "owner", TTL, false);
		LoadBalancerStream.of(factory, this.service).add("session-1");
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
		// Notifications off for both; 'never' would not sweep for minutes, so it can only hear of the expiry from
		// the consumer whose turn it was.
		try (TestConsumer sweeper = TestConsumer.start(factory, this.service, "sweeper",
				(b) -> b.sweepInterval(Duration.ofMillis(500)).keyspaceNotifications(KeyspaceNotifications.OFF));
				TestConsumer never = TestConsumer.start(factory, this.service, "never",
						(b) -> b.sweepInterval(Duration.ofMinutes(10))
							.keyspaceNotifications(KeyspaceNotifications.OFF))) {
			owner.kill();

			await().atMost(Duration.ofSeconds(10))
				.until(() -> !sweeper.of(Type.STREAM_EXPIRED).isEmpty() && !never.of(Type.STREAM_EXPIRED).isEmpty());
			assertThat(never.of(Type.STREAM_EXPIRED).get(0).streamName()).isEqualTo("session-1");
			assertThat(sweeper.of(Type.STREAM_EXPIRED).get(0).streamName()).isEqualTo("session-1");
		}
	}

	private static long censusCalls(RedisServer redis) {
		String stats = (String) redis.command("INFO", "commandstats");
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_xinfo|consumers:")) {
				return Long.parseLong(line.replaceAll(".*\\bcalls=(\\d+).*", "$1"));
			}
		}
		return 0;
	}

	@Test
	void stalledOwnerIsDisownedAndItsStaleTokenNoLongerRenews(RedisServer redis, LettuceConnectionFactory factory) {
		ConsumerProcesses.Handle stalled = this.processes.start(redis, this.service, "stalled", TTL, false);
		String entryId = LoadBalancerStream.of(factory, this.service).add("session-1");
		String added = stalled.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
		long staleToken = Long.parseLong(added.split(" ")[3]);
		String ownerHash = "{" + this.service + "-input}:owner";
		String survivorSession = "{" + this.service + "-input}:session:redis-consumer-survivor";
		try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor", (b) -> b.autoClaim(true))) {
			stalled.freeze();
			await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().contains("session-1"));
			long survivorToken = survivor.client.ownedStreams().iterator().next().fencingToken();
			assertThat(survivorToken).isGreaterThan(staleToken);

			stalled.thaw();

			stalled.awaitLine((line) -> line.startsWith("STREAM_DISOWNED session-1"), Duration.ofSeconds(10));
			stalled.send("done session-1");
			stalled.awaitLine((line) -> line.startsWith("ERROR done StreamNotOwnedException"), Duration.ofSeconds(5));
			// Several renewal intervals later the stream is still the survivor's, whose session is alive.
			await().pollDelay(TTL).atMost(Duration.ofSeconds(5))
				.until(() -> ("redis-consumer-survivor:" + survivorToken)
					.equals(redis.command("HGET", ownerHash, entryId)));
			assertThat((Long) redis.command("PTTL", survivorSession)).isPositive();
			assertThat(survivor.ownedNames()).containsExactly("session-1");
			assertThat(survivor.of(Type.STREAM_DISOWNED)).isEmpty();
		}
	}

	@Test
	void closeHandsEveryUnfinishedStreamToASurvivorWithinOneSecond(LettuceConnectionFactory factory) {
		TestConsumer leaving = TestConsumer.start(factory, this.service, "leaving",
				(b) -> b.leaseTtl(Duration.ofSeconds(10)).lbsIdleTime(Duration.ofSeconds(30)));
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		for (int i = 1; i <= 20; i++) {
			lbs.add("stream-" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> leaving.client.ownedStreams().size() == 20);
		try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
				(b) -> b.autoClaim(true).leaseTtl(Duration.ofSeconds(10)).lbsIdleTime(Duration.ofSeconds(30))
					.sweepInterval(Duration.ofMinutes(10)))) {
			long closing = System.nanoTime();
			leaving.close();

			await().pollInterval(Duration.ofMillis(2))
				.atMost(Duration.ofSeconds(5))
				.until(() -> survivor.client.ownedStreams().size() == 20);
			Duration handoff = Duration.ofNanos(System.nanoTime() - closing);
			System.out.println("Handoff of 20 streams on close(): " + handoff.toMillis() + " ms");
			assertThat(handoff).isLessThanOrEqualTo(Duration.ofSeconds(1));
			assertThat(leaving.of(Type.STREAM_TERMINATED)).singleElement()
				.satisfies((n) -> assertThat(n.reason()).isEqualTo("closed"));
			assertThat(leaving.client.ownedStreams()).isEmpty();
		}
	}

	private long pendingOf(RedisServer redis, String consumer) {
		List<?> entries = (List<?>) redis.command("XPENDING", this.service + "-input", this.service + "-group", "-",
				"+", "100000", consumer);
		return entries.size();
	}

	private void awaitIdlePending(RedisServer redis, Duration idle, int count) {
		await().atMost(Duration.ofSeconds(15))
			.until(() -> ((List<?>) redis.command("XPENDING", this.service + "-input", this.service + "-group", "IDLE",
					Long.toString(idle.toMillis()), "-", "+", "100")).size() == count);
	}

}
