package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.github.redisstreamclient.core.StreamEntry;
import io.github.redisstreamclient.core.StreamRef;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One test per branch of each lease script, against a real Redis.
 */
@RedisTest
class LeaseScriptsIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private final ServiceKeys keys = new ServiceKeys("svc-" + UUID.randomUUID());

	private RedisServer redis;

	private LeaseStore a;

	private LeaseStore b;

	@BeforeEach
	void setUp(RedisServer redis, LettuceConnectionFactory factory) {
		this.redis = redis;
		StringRedisTemplate template = new StringRedisTemplate(factory);
		this.a = new LeaseStore(template, this.keys, "consumer-a", TTL);
		this.b = new LeaseStore(template, this.keys, "consumer-b", TTL);
		redis.command("XGROUP", "CREATE", this.keys.lbs(), this.keys.group(), "$", "MKSTREAM");
	}

	/** Adds an LBS entry and delivers it to {@code consumer}, as XREADGROUP does. */
	private String delivered(String consumer, String name) {
		String id = (String) this.redis.command("XADD", this.keys.lbs(), "*", LbsMessages.FIELD,
				LbsMessages.format(name, Map.of()));
		this.redis.command("XREADGROUP", "GROUP", this.keys.group(), consumer, "COUNT", "1", "STREAMS",
				this.keys.lbs(), ">");
		return id;
	}

	/** Leases one freshly delivered entry: its fencing token, or -1 when another consumer holds it. */
	private static long acquire(LeaseStore store, String entryId) {
		return store.acquire(List.of(entryId))[0];
	}

	private Lease lease(String consumer, String id, long token) {
		return new Lease(new StreamRef("s", id), Map.of(), token, consumer, NO_OWNER);
	}

	/** The scripts are called directly here; nothing goes through the handle's owner. */
	private static final Lease.LeaseOwner NO_OWNER = new Lease.LeaseOwner() {

		@Override
		public void done(Lease lease) {
			throw new UnsupportedOperationException();
		}

		@Override
		public List<StreamEntry> read(Lease lease, String after, int count, Duration block) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void commit(Lease lease, String entryId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Optional<String> checkpoint(Lease lease) {
			throw new UnsupportedOperationException();
		}

	};

	private Object checkpointOf(String dataStream) {
		return this.redis.command("HGET", this.keys.checkpoint(), dataStream);
	}

	@Test
	void commitMovesTheCheckpointForTheOwnerOnlyForward() {
		String id = delivered("consumer-a", "s");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));

		assertThat(this.a.commit(lease, "5-0")).isTrue();
		assertThat(this.a.commit(lease, "4-9")).isTrue();

		assertThat(checkpointOf("s")).isEqualTo("5-0");
		assertThat(this.a.checkpoint("s")).isEqualTo("5-0");
		assertThat(this.a.commit(lease, "12-1")).isTrue();
		assertThat(checkpointOf("s")).isEqualTo("12-1");
	}

	@Test
	void commitIsRefusedToAStaleOwnerAndAcceptedOnALapsedUnclaimedLease() {
		String id = delivered("consumer-a", "s");
		Lease stale = lease("consumer-a", id, acquire(this.a, id));
		this.a.commit(stale, "1-0");
		this.redis.command("DEL", this.keys.leaseKey(id));
		assertThat(this.a.commit(stale, "2-0")).isTrue();

		this.redis.command("DEL", this.keys.leaseKey(id));
		LeaseStore.ClaimResult claim = this.b.claim(List.of(id)).get(0);
		assertThat(this.a.commit(stale, "3-0")).isFalse();
		assertThat(checkpointOf("s")).isEqualTo("2-0");

		Lease current = lease("consumer-b", id, claim.token());
		assertThat(this.b.commit(current, "3-0")).isTrue();
		assertThat(checkpointOf("s")).isEqualTo("3-0");
	}

	@Test
	void doneForgetsTheCheckpoint() {
		String id = delivered("consumer-a", "s");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		this.a.commit(lease, "7-0");

		assertThat(this.a.done(lease)).isEqualTo(LeaseStore.DoneOutcome.DONE);

		assertThat(checkpointOf("s")).isNull();
	}

	private Object leaseValue(String id) {
		return this.redis.command("GET", this.keys.leaseKey(id));
	}

	@Test
	void acquireTakesAFreeLeaseWithAGrowingFencingToken() {
		String first = delivered("consumer-a", "s1");
		String second = delivered("consumer-a", "s2");

		long t1 = acquire(this.a, first);
		long t2 = acquire(this.a, second);

		assertThat(t1).isPositive();
		assertThat(t2).isGreaterThan(t1);
		assertThat(leaseValue(first)).isEqualTo("consumer-a:" + t1);
		assertThat((Long) this.redis.command("PTTL", this.keys.leaseKey(first))).isBetween(1L, TTL.toMillis());
	}

	@Test
	void acquireRefusesALeaseSomeoneHolds() {
		String id = delivered("consumer-a", "s1");
		long token = acquire(this.b, id);

		assertThat(acquire(this.a, id)).isEqualTo(-1);
		assertThat(leaseValue(id)).isEqualTo("consumer-b:" + token);
	}

	@Test
	void acquireLeasesABatchInOneCallSkippingTheLeasesOthersHold() {
		String free1 = delivered("consumer-a", "s1");
		String held = delivered("consumer-a", "s2");
		String free2 = delivered("consumer-a", "s3");
		long theirs = acquire(this.b, held);

		long[] tokens = this.a.acquire(List.of(free1, held, free2));

		assertThat(tokens).hasSize(3);
		assertThat(tokens[0]).isGreaterThan(theirs);
		assertThat(tokens[1]).isEqualTo(-1);
		assertThat(tokens[2]).isGreaterThan(tokens[0]);
		assertThat(leaseValue(free1)).isEqualTo("consumer-a:" + tokens[0]);
		assertThat(leaseValue(held)).isEqualTo("consumer-b:" + theirs);
		assertThat(leaseValue(free2)).isEqualTo("consumer-a:" + tokens[2]);
	}

	@Test
	void sweepTurnGoesToTheFirstConsumerDueAndIsJudgedByEachCallersOwnPeriod() {
		assertThat(this.a.takeSweepTurn(Duration.ofMinutes(10))).isTrue();
		// Someone swept just now: not due for b with the same period.
		assertThat(this.b.takeSweepTurn(Duration.ofMinutes(10))).isFalse();
		assertThat(this.redis.command("GET", this.keys.sweep())).isNotNull();
		// A consumer with a short period is not held back by one with a long period.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.takeSweepTurn(Duration.ofMillis(50)));
		assertThat(this.a.takeSweepTurn(Duration.ofMinutes(10))).isFalse();
	}

	@Test
	void claimTakesAnEntryWithoutLeaseAndMovesItsPendingEntry() {
		String id = delivered("consumer-a", "s1");

		LeaseStore.ClaimResult result = this.b.claim(List.of(id)).get(0);

		assertThat(result.claimed()).isTrue();
		assertThat(result.fields().toStrings()).containsKey(LbsMessages.FIELD);
		assertThat(leaseValue(id)).isEqualTo("consumer-b:" + result.token());
		List<?> pending = (List<?>) this.redis.command("XPENDING", this.keys.lbs(), this.keys.group(), "-", "+", "10");
		assertThat((List<?>) pending.get(0)).element(1).isEqualTo("consumer-b");
	}

	@Test
	void claimLosesWhileSomeoneHoldsTheLease() {
		String id = delivered("consumer-a", "s1");
		long token = acquire(this.a, id);

		LeaseStore.ClaimResult result = this.b.claim(List.of(id)).get(0);

		assertThat(result.claimed()).isFalse();
		assertThat(result.finished()).isFalse();
		assertThat(leaseValue(id)).isEqualTo("consumer-a:" + token);
	}

	@Test
	void claimFindsNothingForAFinishedEntry() {
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		assertThat(this.a.done(lease)).isEqualTo(LeaseStore.DoneOutcome.DONE);

		LeaseStore.ClaimResult result = this.b.claim(List.of(id)).get(0);

		assertThat(result.finished()).isTrue();
		assertThat(leaseValue(id)).isNull();
	}

	@Test
	void claimOfADeletedButPendingEntryDropsItFromThePendingList() {
		String id = delivered("consumer-a", "s1");
		this.redis.command("XDEL", this.keys.lbs(), id);

		LeaseStore.ClaimResult result = this.b.claim(List.of(id)).get(0);

		assertThat(result.finished()).isTrue();
		assertThat(leaseValue(id)).isNull();
		assertThat((List<?>) this.redis.command("XPENDING", this.keys.lbs(), this.keys.group(), "-", "+", "10"))
			.isEmpty();
	}

	@Test
	void renewExtendsHeldLeasesResumesLapsedUnclaimedOnesAndReportsLostOnes() {
		String held = delivered("consumer-a", "held");
		String lapsed = delivered("consumer-a", "lapsed");
		String stolen = delivered("consumer-a", "stolen");
		Lease heldLease = lease("consumer-a", held, acquire(this.a, held));
		Lease lapsedLease = lease("consumer-a", lapsed, acquire(this.a, lapsed));
		Lease stolenLease = lease("consumer-a", stolen, acquire(this.a, stolen));
		this.redis.command("PEXPIRE", this.keys.leaseKey(held), "1000");
		this.redis.command("DEL", this.keys.leaseKey(lapsed));
		this.redis.command("DEL", this.keys.leaseKey(stolen));
		assertThat(this.b.claim(List.of(stolen)).get(0).claimed()).isTrue();

		int[] results = this.a.renew(List.of(heldLease, lapsedLease, stolenLease));

		assertThat(results).containsExactly(1, 2, 0);
		assertThat((Long) this.redis.command("PTTL", this.keys.leaseKey(held))).isGreaterThan(1000L);
		assertThat(leaseValue(lapsed)).isEqualTo(lapsedLease.value());
		assertThat((String) leaseValue(stolen)).startsWith("consumer-b:");
	}

	@Test
	void renewReportsAFinishedEntryAsFinishedWithoutTakingItAgain() {
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		this.a.done(lease);

		assertThat(this.a.renew(List.of(lease))).containsExactly(3);
		assertThat(leaseValue(id)).isNull();
	}

	@Test
	void renewReportsAnEntryNobodyHasPendingButStillInTheLbsAsLost() {
		// As after a restart without persistence recreated the group: the entry will be delivered anew.
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		this.redis.command("XACK", this.keys.lbs(), this.keys.group(), id);
		this.redis.command("DEL", this.keys.leaseKey(id));

		assertThat(this.a.renew(List.of(lease))).containsExactly(0);
	}

	@Test
	void doneReleasesAcknowledgesAndDeletes() {
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));

		assertThat(this.a.done(lease)).isEqualTo(LeaseStore.DoneOutcome.DONE);

		assertThat(leaseValue(id)).isNull();
		assertThat(this.redis.command("XLEN", this.keys.lbs())).isEqualTo(0L);
		assertThat((List<?>) this.redis.command("XPENDING", this.keys.lbs(), this.keys.group(), "-", "+", "10"))
			.isEmpty();
	}

	@Test
	void doneAcceptsALapsedLeaseNobodyClaimed() {
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		this.redis.command("DEL", this.keys.leaseKey(id));

		assertThat(this.a.done(lease)).isEqualTo(LeaseStore.DoneOutcome.DONE);
		assertThat(this.redis.command("XLEN", this.keys.lbs())).isEqualTo(0L);
	}

	@Test
	void doneOfAnAlreadyFinishedEntryReportsItFinished() {
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		this.a.done(lease);

		// The retry of a done whose answer was lost.
		assertThat(this.a.done(lease)).isEqualTo(LeaseStore.DoneOutcome.ALREADY_FINISHED);
	}

	@Test
	void doneRefusesAnEntryNobodyHasPendingButStillInTheLbs() {
		String id = delivered("consumer-a", "s1");
		Lease lease = lease("consumer-a", id, acquire(this.a, id));
		this.redis.command("XACK", this.keys.lbs(), this.keys.group(), id);
		this.redis.command("DEL", this.keys.leaseKey(id));

		assertThat(this.a.done(lease)).isEqualTo(LeaseStore.DoneOutcome.NOT_OWNER);
		assertThat(this.redis.command("XLEN", this.keys.lbs())).isEqualTo(1L);
	}

	@Test
	void doneRefusesAStreamTakenOver() {
		String id = delivered("consumer-a", "s1");
		Lease stale = lease("consumer-a", id, acquire(this.a, id));
		this.redis.command("DEL", this.keys.leaseKey(id));
		LeaseStore.ClaimResult claim = this.b.claim(List.of(id)).get(0);

		assertThat(this.a.done(stale)).isEqualTo(LeaseStore.DoneOutcome.NOT_OWNER);

		assertThat(leaseValue(id)).isEqualTo("consumer-b:" + claim.token());
		assertThat(this.redis.command("XLEN", this.keys.lbs())).isEqualTo(1L);
	}

	@Test
	void releaseDeletesOnlyLeasesStillHeldAndAcknowledgesNothing() {
		String mine = delivered("consumer-a", "mine");
		String theirs = delivered("consumer-a", "theirs");
		Lease mineLease = lease("consumer-a", mine, acquire(this.a, mine));
		Lease staleLease = lease("consumer-a", theirs, 999_999);
		long theirToken = acquire(this.b, theirs);

		assertThat(this.a.release(List.of(mineLease, staleLease))).isEqualTo(1);

		assertThat(leaseValue(mine)).isNull();
		assertThat(leaseValue(theirs)).isEqualTo("consumer-b:" + theirToken);
		assertThat((List<?>) this.redis.command("XPENDING", this.keys.lbs(), this.keys.group(), "-", "+", "10"))
			.hasSize(2);
	}

	@Test
	void findExpiredPagesThroughIdlePendingEntriesWithoutLease() {
		String leased = delivered("consumer-a", "leased");
		acquire(this.a, leased);
		String e1 = delivered("consumer-a", "e1");
		String e2 = delivered("consumer-a", "e2");
		String e3 = delivered("consumer-a", "e3");

		LeaseStore.ExpiredPage first = this.a.findExpired(Duration.ZERO, "-", 2);
		assertThat(first.entryIds()).containsExactly(e1);
		assertThat(first.next()).isEqualTo("(" + e1);
		LeaseStore.ExpiredPage second = this.a.findExpired(Duration.ZERO, first.next(), 2);
		assertThat(second.entryIds()).containsExactly(e2, e3);
		LeaseStore.ExpiredPage last = this.a.findExpired(Duration.ZERO, second.next(), 2);
		assertThat(last.entryIds()).isEmpty();
		assertThat(last.next()).isNull();

		assertThat(this.a.findExpired(Duration.ofMinutes(1), "-", 10).entryIds()).isEmpty();
	}

}
