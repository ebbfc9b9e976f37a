package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Every branch of the ownership scripts against a real Redis, one script call at a time: what the flows of
 * {@code SessionOwnershipIntegrationTests} rely on.
 */
@RedisTest
class OwnershipScriptsIntegrationTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private final String service = "scripts-" + UUID.randomUUID();

	private final ServiceKeys keys = new ServiceKeys(this.service);

	private RedisServer redis;

	private OwnershipStore a;

	private OwnershipStore b;

	@BeforeEach
	void setUp(RedisServer redis, LettuceConnectionFactory factory) {
		this.redis = redis;
		StringRedisTemplate template = new StringRedisTemplate(factory);
		this.a = new OwnershipStore(template, this.keys, "consumer-a", TTL, 2);
		this.b = new OwnershipStore(template, this.keys, "consumer-b", TTL, 2);
		redis.command("XGROUP", "CREATE", this.keys.lbs(), this.keys.group(), "$", "MKSTREAM");
	}

	private String add(String name) {
		return (String) this.redis.command("XADD", this.keys.lbs(), "*", "lbs-input",
				"{\"DataStreamName\":\"" + name + "\"}");
	}

	/** Delivers the next entry to {@code consumer} as XREADGROUP does. */
	private void deliverTo(String consumer) {
		this.redis.command("XREADGROUP", "GROUP", this.keys.group(), consumer, "COUNT", "1", "STREAMS", this.keys.lbs(),
				">");
	}

	private Object owner(String entryId) {
		return this.redis.command("HGET", this.keys.owner(), entryId);
	}

	private long deliveries(String entryId) {
		List<?> pending = (List<?>) this.redis.command("XPENDING", this.keys.lbs(), this.keys.group(), entryId,
				entryId, "1");
		return (Long) ((List<?>) pending.get(0)).get(3);
	}

	private long idleMillis(String consumer) {
		for (Object entry : (List<?>) this.redis.command("XINFO", "CONSUMERS", this.keys.lbs(), this.keys.group())) {
			List<?> fields = (List<?>) entry;
			if (consumer.equals(fields.get(fields.indexOf("name") + 1))) {
				return (Long) fields.get(fields.indexOf("idle") + 1);
			}
		}
		return -1;
	}

	private Lease lease(String consumer, String entryId, long token) {
		return new Lease(new StreamRef("s", entryId), Map.of(), token, consumer, NoOperations.INSTANCE);
	}

	@Test
	void aSessionRenewsOnlyForItsOwnEpoch() {
		long epoch = this.a.startSession();
		assertThat(this.a.renewSession(epoch)).isTrue();
		long newer = this.a.startSession();
		assertThat(newer).isGreaterThan(epoch);
		assertThat(this.a.renewSession(epoch)).isFalse();
		assertThat(this.a.renewSession(newer)).isTrue();
		this.redis.command("DEL", this.keys.session("consumer-a"));
		assertThat(this.a.renewSession(newer)).isFalse();
	}

	@Test
	void assignRecordsTheOwnerWithATokenPerEntryOnce() {
		long epoch = this.a.startSession();
		String first = add("s1");
		String second = add("s2");
		deliverTo("consumer-a");
		deliverTo("consumer-a");
		long[] tokens = this.a.assign(List.of(first, second), epoch);
		assertThat(tokens[0]).isGreaterThan(epoch);
		assertThat(tokens[1]).isEqualTo(tokens[0] + 1);
		assertThat(owner(first)).isEqualTo("consumer-a:" + tokens[0]);
		// Run again (its answer was lost): the same token, nothing changes. For another consumer: not its own.
		assertThat(this.a.assign(List.of(first), epoch)).containsExactly(tokens[0]);
		assertThat(this.b.assign(List.of(first), this.b.startSession())).containsExactly(-1);
		assertThat(owner(first)).isEqualTo("consumer-a:" + tokens[0]);
	}

	@Test
	void withItsSessionGoneAConsumerAssignsOnlyWhatIsStillPendingForIt() {
		long epoch = this.a.startSession();
		String id = add("s1");
		deliverTo("consumer-a");
		this.redis.command("DEL", this.keys.session("consumer-a"));
		// Meanwhile consumer-b took it over (XCLAIM), but did not record itself yet.
		this.redis.command("XCLAIM", this.keys.lbs(), this.keys.group(), "consumer-b", "0", id);
		assertThat(this.a.assign(List.of(id), epoch)).containsExactly(-1);
		assertThat(owner(id)).isNull();
	}

	@Test
	void claimFromADeadConsumerCountsATakeoverAndFromALiveOneNothing() {
		this.b.startSession();
		long epoch = this.a.startSession();
		String id = add("s1");
		deliverTo("consumer-a");
		long token = this.a.assign(List.of(id), epoch)[0];

		OwnershipStore.ClaimPage alive = this.b.claimFrom("consumer-a", "-", 10, 0);
		assertThat(alive.ownerAlive()).isTrue();
		assertThat(owner(id)).isEqualTo("consumer-a:" + token);

		this.redis.command("DEL", this.keys.session("consumer-a"));
		OwnershipStore.ClaimPage page = this.b.claimFrom("consumer-a", "-", 10, 0);
		assertThat(page.results()).singleElement().satisfies((result) -> {
			assertThat(result.claimed()).isTrue();
			assertThat(result.token()).isGreaterThan(token);
			assertThat(result.deliveries()).isEqualTo(1);
			assertThat(result.poison()).isFalse();
			assertThat(result.fields().toStrings()).containsEntry("lbs-input", "{\"DataStreamName\":\"s1\"}");
		});
		assertThat(owner(id)).isEqualTo("consumer-b:" + page.results().get(0).token());
		assertThat(deliveries(id)).isEqualTo(2);
	}

	@Test
	void aReleasedEntryIsClaimedKeepingItsDeliveryCountEvenFromALiveConsumer() {
		long epoch = this.a.startSession();
		this.b.startSession();
		String id = add("s1");
		deliverTo("consumer-a");
		long token = this.a.assign(List.of(id), epoch)[0];
		assertThat(this.a.release(List.of(lease("consumer-a", id, token)))).containsExactly(1);
		assertThat(owner(id)).isEqualTo("released:" + token);
		// Run again (its answer was lost): released all the same. With another token: not the caller's.
		assertThat(this.a.release(List.of(lease("consumer-a", id, token)))).containsExactly(1);
		assertThat(this.a.release(List.of(lease("consumer-a", id, token - 1)))).containsExactly(0);

		OwnershipStore.ClaimPage page = this.b.claimEntries(List.of(id));
		assertThat(page.results()).singleElement().satisfies((result) -> assertThat(result.claimed()).isTrue());
		assertThat(deliveries(id)).isEqualTo(1);
		// The same claim run again after its answer was lost: the same token, the fields, nothing counted.
		OwnershipStore.ClaimPage again = this.b.claimEntries(List.of(id));
		assertThat(again.results()).singleElement().satisfies((result) -> {
			assertThat(result.token()).isEqualTo(page.results().get(0).token());
			assertThat(result.fields().toStrings()).containsKey("lbs-input");
		});
		assertThat(deliveries(id)).isEqualTo(1);
		// Another consumer's claim of a stream whose owner lives: nothing.
		assertThat(this.a.claimEntries(List.of(id)).claimedCount()).isZero();
	}

	@Test
	void anEntryTakenOverFromDeadOwnersMaxTakeoversTimesComesBackAsPoison() {
		String id = add("s1");
		deliverTo("ghost-1");
		// Two takeovers from dead owners (maxTakeovers is 2 here): ghost-2 and ghost-3 took it and died.
		this.redis.command("XCLAIM", this.keys.lbs(), this.keys.group(), "ghost-2", "0", id);
		this.redis.command("XCLAIM", this.keys.lbs(), this.keys.group(), "ghost-3", "0", id);
		this.b.startSession();
		OwnershipStore.ClaimPage page = this.b.claimFrom("ghost-3", "-", 10, 0);
		assertThat(page.results()).singleElement().satisfies((result) -> {
			assertThat(result.claimed()).isTrue();
			assertThat(result.deliveries()).isEqualTo(3);
			assertThat(result.poison()).isTrue();
		});
	}

	@Test
	void atStartAConsumerTakesBackWhatAnEarlierProcessUnderItsIdHeld() {
		long oldEpoch = this.a.startSession();
		String id = add("s1");
		deliverTo("consumer-a");
		long oldToken = this.a.assign(List.of(id), oldEpoch)[0];
		long epoch = this.a.startSession();

		OwnershipStore.ClaimPage page = this.a.claimFrom("consumer-a", "-", 10, epoch);
		assertThat(page.results()).singleElement().satisfies((result) -> {
			assertThat(result.claimed()).isTrue();
			assertThat(result.token()).isGreaterThan(epoch);
		});
		// What it recorded in this session is its own already: not claimed again.
		assertThat(this.a.claimFrom("consumer-a", "-", 10, epoch).claimedCount()).isZero();
		assertThat(oldToken).isLessThan(epoch);
	}

	@Test
	void reconcileTellsOwnedTakenAndFinishedApart() {
		long epoch = this.a.startSession();
		this.b.startSession();
		String kept = add("kept");
		String taken = add("taken");
		String finished = add("finished");
		for (int i = 0; i < 3; i++) {
			deliverTo("consumer-a");
		}
		long[] tokens = this.a.assign(List.of(kept, taken, finished), epoch);
		Lease keptLease = lease("consumer-a", kept, tokens[0]);
		Lease takenLease = lease("consumer-a", taken, tokens[1]);
		Lease finishedLease = lease("consumer-a", finished, tokens[2]);
		this.redis.command("DEL", this.keys.session("consumer-a"));
		assertThat(this.b.claimEntries(List.of(taken)).claimedCount()).isOne();
		assertThat(this.a.done(finishedLease)).isEqualTo(OwnershipStore.DoneOutcome.DONE);

		assertThat(this.a.reconcile(List.of(keptLease, takenLease, finishedLease))).containsExactly(1, 0, 3);
		// An owner record Redis lost while the entry is still pending here is written again.
		this.redis.command("HDEL", this.keys.owner(), kept);
		assertThat(this.a.reconcile(List.of(keptLease))).containsExactly(2);
		assertThat(owner(kept)).isEqualTo("consumer-a:" + tokens[0]);
	}

	@Test
	void doneAndCommitAreFencedByTheOwnerHash() {
		long epoch = this.a.startSession();
		String id = add("s1");
		deliverTo("consumer-a");
		long token = this.a.assign(List.of(id), epoch)[0];
		Lease mine = lease("consumer-a", id, token);
		Lease stale = lease("consumer-a", id, token - 1);
		assertThat(this.a.commit(mine, "5-0")).isTrue();
		assertThat(this.a.commit(mine, "4-0")).isTrue();
		assertThat(this.redis.command("HGET", this.keys.checkpoint(), "s")).isEqualTo("5-0");
		assertThat(this.a.commit(stale, "6-0")).isFalse();
		assertThat(this.a.done(stale)).isEqualTo(OwnershipStore.DoneOutcome.NOT_OWNER);

		assertThat(this.a.done(mine)).isEqualTo(OwnershipStore.DoneOutcome.DONE);
		assertThat(this.redis.command("XLEN", this.keys.lbs())).isEqualTo(0L);
		assertThat(owner(id)).isNull();
		assertThat(this.redis.command("HGET", this.keys.checkpoint(), "s")).isNull();
		// A retried done whose first answer was lost: finished, not taken over.
		assertThat(this.a.done(mine)).isEqualTo(OwnershipStore.DoneOutcome.ALREADY_FINISHED);
	}

	@Test
	void theCensusFindsTheDeadAndRemovesLongIdleNamesWithoutSession() {
		this.a.startSession();
		add("s1");
		deliverTo("dead");
		this.redis.command("XGROUP", "CREATECONSUMER", this.keys.lbs(), this.keys.group(), "gone");
		this.redis.command("XGROUP", "CREATECONSUMER", this.keys.lbs(), this.keys.group(), "consumer-a");
		// Idle longer than the 10 ms the census is given below, as XINFO CONSUMERS reports it.
		await().atMost(Duration.ofSeconds(5)).until(() -> idleMillis("gone") > 20);

		List<OwnershipStore.GroupMember> census = this.a.census(Duration.ofMillis(10));
		assertThat(census).extracting(OwnershipStore.GroupMember::name)
			.containsExactlyInAnyOrder("dead", "consumer-a");
		assertThat(census).filteredOn(OwnershipStore.GroupMember::dead)
			.extracting(OwnershipStore.GroupMember::name)
			.containsExactly("dead");
		// Without hygiene nothing is removed.
		this.redis.command("XGROUP", "CREATECONSUMER", this.keys.lbs(), this.keys.group(), "gone");
		assertThat(this.a.census(Duration.ZERO)).extracting(OwnershipStore.GroupMember::name).contains("gone");
	}

	@Test
	void endingTheSessionLeavesTheGroupOnlyWhenNothingIsPending() {
		long epoch = this.a.startSession();
		this.redis.command("XGROUP", "CREATECONSUMER", this.keys.lbs(), this.keys.group(), "consumer-a");
		assertThat(this.a.endSession(epoch)).isTrue();
		assertThat(this.redis.command("EXISTS", this.keys.session("consumer-a"))).isEqualTo(0L);

		long next = this.a.startSession();
		add("s1");
		deliverTo("consumer-a");
		assertThat(this.a.endSession(next)).isFalse();
	}

	@Test
	void theShareCountsTheLbsAndTheGroupsConsumers() {
		add("s1");
		add("s2");
		this.redis.command("XGROUP", "CREATECONSUMER", this.keys.lbs(), this.keys.group(), "x");
		this.redis.command("XGROUP", "CREATECONSUMER", this.keys.lbs(), this.keys.group(), "y");
		assertThat(this.a.share()).isEqualTo(new OwnershipStore.LbsShare(2, 2));
	}

	/** The lease handles here only carry ids and tokens to the scripts. */
	private enum NoOperations implements Lease.LeaseOwner {

		INSTANCE;

		@Override
		public void done(Lease lease) {
		}

		@Override
		public void release(Lease lease) {
		}

		@Override
		public List<StreamEntry> read(Lease lease, String after, int count, Duration block) {
			return List.of();
		}

		@Override
		public void commit(Lease lease, String entryId) {
		}

		@Override
		public java.util.Optional<String> checkpoint(Lease lease) {
			return java.util.Optional.empty();
		}

	}

}
