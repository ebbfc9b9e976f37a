package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;
import io.github.redisstreamclient.core.internal.LbsMessages.LbsMessage;
import io.github.redisstreamclient.core.internal.LbsMessages.MalformedEntryException;
import io.github.redisstreamclient.core.internal.OwnershipStore.ClaimPage;
import io.github.redisstreamclient.core.internal.OwnershipStore.ClaimResult;
import io.github.redisstreamclient.core.internal.OwnershipStore.GroupMember;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Takes over the streams of consumers that are gone and streams that were released (DESIGN.md, "Claim"), on the
 * detector's worker thread, one claim at a time.
 * <p>
 * <b>Fair share.</b> Every survivor hears of a dead consumer at about the same time. Each first claims at most
 * {@code ceil(n / k)} of its {@code n} streams ({@code k} live consumers); after a short pause, up to its fair share
 * of all the service's streams; after another, whatever is left, once no other live consumer is below its share (or
 * after at most three more pauses). So the streams spread evenly instead of the quickest survivor taking them all,
 * and a survivor that was slow to hear still gets its share. A released stream goes first to
 * consumers below their fair share, after the pause to anyone. <b>Poison streams</b> come back from the claim
 * script marked: they go to the dead-letter stream and are finished. <b>After a Redis restart</b> claims from dead
 * consumers wait ({@link RestartGrace}), so that owners that are alive renew first and keep their streams.
 */
final class Claims {

	private static final Logger logger = LoggerFactory.getLogger(Claims.class);

	/** After claiming its fair share, how long a survivor leaves the rest to the others. */
	static final Duration PAUSE = Duration.ofMillis(200);

	/** How many pauses the last round waits, at most, for a live consumer below its share to claim it. */
	static final int LAST_ROUND_WAITS = 3;

	private final Ownership ownership;

	private final DeadConsumerDetector detector;

	private final RestartGrace grace;

	private final boolean autoClaim;

	/** Entries claimed per script call. */
	private final int batch;

	/** Gone consumers whose claims wait for the restart grace to pass. */
	private final Set<String> waiting = ConcurrentHashMap.newKeySet();

	/** Gone consumers whose claim rounds are under way. */
	private final Set<String> claiming = ConcurrentHashMap.newKeySet();

	/**
	 * Without auto-claim: when each stream of a gone consumer was last announced ({@link System#nanoTime()}), by the
	 * consumer and the entry id. A gone consumer is reported by its session's expiry, by every survivor's sweep and
	 * by each {@code dead} message; the listener hears of each of its streams once, and again only if that consumer
	 * still holds it a re-announce period later. A stream claimed and then left by another consumer is news at once.
	 * A release is reported once, by its own message: each is announced.
	 */
	private final Map<String, Long> announced = new ConcurrentHashMap<>();

	private final long reannounceAfterNanos;

	public Claims(Ownership ownership, DeadConsumerDetector detector, RestartGrace grace, boolean autoClaim,
			int batch, Duration reannounceAfter) {
		this.ownership = ownership;
		this.batch = batch;
		this.detector = detector;
		this.grace = grace;
		this.autoClaim = autoClaim;
		this.reannounceAfterNanos = reannounceAfter.toNanos();
	}

	/**
	 * At start: claims what an earlier process under this consumer id held (entries pending for this id with tokens
	 * below {@code epoch}), then the streams of every dead consumer, whatever {@code autoClaim} says.
	 */
	public void recover(long epoch) {
		long start = System.nanoTime();
		int recovered = claimFrom(this.ownership.consumerId(), Long.MAX_VALUE, epoch, 0);
		for (GroupMember member : this.ownership.store().census(Duration.ZERO)) {
			if (member.dead() && !member.name().equals(this.ownership.consumerId())) {
				if (!waitForRestartGrace(() -> claimDead(member.name(), 0), member.name())) {
					recovered += claimDead(member.name(), 0);
				}
			}
		}
		this.ownership.metrics().recovery(System.nanoTime() - start);
		if (recovered > 0) {
			logger.info("Consumer {} recovered {} stream(s) at startup", this.ownership.consumerId(), recovered);
		}
	}

	/**
	 * A consumer has no session: claims its streams (fair share first), or announces them as expired. A consumer
	 * that {@code closed} released its streams: they are taken at once, also just after a Redis restart.
	 */
	public void consumerGone(String consumer, long detectedAtNanos, boolean closed) {
		if (!closed && waitForRestartGrace(() -> consumerGone(consumer, detectedAtNanos, false), consumer)) {
			return;
		}
		if (!this.autoClaim) {
			announceExpired(consumer);
			return;
		}
		claimDead(consumer, detectedAtNanos);
	}

	/**
	 * Whether Redis restarted moments ago, so that claims from {@code consumer} (and telling the listener its
	 * streams expired) must wait for live owners to renew; {@code retry} is then scheduled once for after the grace.
	 */
	private boolean waitForRestartGrace(Runnable retry, String consumer) {
		Duration wait = this.grace.remaining();
		if (wait.isZero()) {
			return false;
		}
		// Once per consumer: the sweep keeps finding it meanwhile.
		if (this.waiting.add(consumer)) {
			logger.info("Redis restarted or was unreachable moments ago: claims of {}'s streams wait {} ms for live "
					+ "owners to renew", consumer, wait.toMillis());
			this.detector.execute(() -> {
				this.waiting.remove(consumer);
				retry.run();
			}, wait);
		}
		return true;
	}

	private int claimDead(String consumer, long detectedAtNanos) {
		// The sweep and the keyevent may both report a consumer: its rounds run once, the last takes what is left.
		if (!this.claiming.add(consumer)) {
			return 0;
		}
		boolean chained = false;
		try {
			List<GroupMember> census = this.ownership.store().census(Duration.ZERO);
			GroupMember gone = member(census, consumer);
			if (gone == null || gone.live() || gone.pending() == 0) {
				return 0;
			}
			int live = (int) census.stream().filter(GroupMember::live).count();
			long share = FairShare.of(gone.pending(), live);
			int won = claimFrom(consumer, share, 0, detectedAtNanos);
			chained = this.detector.execute(() -> claimUpToFairShare(consumer, detectedAtNanos), PAUSE);
			return won;
		}
		finally {
			if (!chained) {
				this.claiming.remove(consumer);
			}
		}
	}

	/**
	 * The second round, after the pause: up to this consumer's fair share of all the service's streams (what the
	 * live consumers hold and what the gone one still has), so that a survivor that came late to the first round
	 * still gets its share.
	 */
	private void claimUpToFairShare(String consumer, long detectedAtNanos) {
		boolean chained = false;
		try {
			if (claimUpToShare(consumer, detectedAtNanos) != null) {
				chained = this.detector.execute(() -> claimTheRest(consumer, detectedAtNanos, 0), PAUSE);
			}
		}
		finally {
			if (!chained) {
				this.claiming.remove(consumer);
			}
		}
	}

	/**
	 * The last round: whatever is left, so that nothing stays unowned when survivors are at their share, at their
	 * limit or gone. While another live consumer is below its share (it heard late: a loaded machine, a GC pause),
	 * this waits for it, up to {@link #LAST_ROUND_WAITS} pauses, taking only up to its own share meanwhile.
	 */
	private void claimTheRest(String consumer, long detectedAtNanos, int waited) {
		boolean chained = false;
		try {
			Spread spread = claimUpToShare(consumer, detectedAtNanos);
			if (spread == null) {
				return;
			}
			if (spread.othersBelowShare(this.ownership.consumerId()) && waited < LAST_ROUND_WAITS) {
				chained = this.detector.execute(() -> claimTheRest(consumer, detectedAtNanos, waited + 1), PAUSE);
				return;
			}
			claimFrom(consumer, Long.MAX_VALUE, 0, detectedAtNanos);
		}
		finally {
			if (!chained) {
				this.claiming.remove(consumer);
			}
		}
	}

	/**
	 * Claims from {@code consumer} up to this consumer's fair share of all the service's streams; returns how the
	 * streams were spread before, or {@code null} when the consumer is back or has nothing left.
	 */
	private @Nullable Spread claimUpToShare(String consumer, long detectedAtNanos) {
		List<GroupMember> census = this.ownership.store().census(Duration.ZERO);
		GroupMember gone = member(census, consumer);
		if (gone == null || gone.live() || gone.pending() == 0) {
			return null;
		}
		List<GroupMember> live = census.stream().filter(GroupMember::live).toList();
		long streams = live.stream().mapToLong(GroupMember::pending).sum() + gone.pending();
		long room = FairShare.room(this.ownership.registry().size(), streams, live.size());
		if (room > 0) {
			claimFrom(consumer, room, 0, detectedAtNanos);
		}
		return new Spread(live, FairShare.of(streams, live.size()));
	}

	private static @Nullable GroupMember member(List<GroupMember> census, String name) {
		return census.stream().filter((m) -> m.name().equals(name)).findFirst().orElse(null);
	}

	/** The live consumers as a census saw them, and the fair share of every stream of the service. */
	private record Spread(List<GroupMember> live, long share) {

		boolean othersBelowShare(String self) {
			return this.live.stream().anyMatch((m) -> !m.name().equals(self) && m.pending() < this.share);
		}

	}

	/** Claims up to {@code most} of the entries pending for {@code consumer}; returns how many it won. */
	private int claimFrom(String consumer, long most, long ownEpoch, long detectedAtNanos) {
		int won = 0;
		String from = "-";
		while (won < most) {
			int permits = this.ownership.registry().tryReservePermits((int) Math.min(this.batch, most - won));
			if (permits == 0) {
				this.ownership.metrics().claim("limit", 1);
				break;
			}
			ClaimPage page;
			try {
				page = this.ownership.store().claimFrom(consumer, from, permits, ownEpoch);
			}
			catch (RuntimeException ex) {
				this.ownership.registry().returnPermits(permits);
				throw ex;
			}
			int claimed = accept(page, permits, detectedAtNanos);
			won += claimed;
			if (page.ownerAlive() || page.last() == null) {
				break;
			}
			from = "(" + page.last();
		}
		return won;
	}

	/**
	 * Released streams: a consumer below its fair share claims up to its room at once and again after the pause;
	 * after a second pause anyone (the releaser included) claims what is still released. The releaser does not take
	 * its own release back before that, so that rebalancing does not undo itself.
	 */
	public void streamsReleased(String releaser, List<String> entryIds, long detectedAtNanos) {
		List<String> wanted = entryIds.stream().filter((id) -> !this.ownership.registry().holds(id)).toList();
		if (wanted.isEmpty()) {
			return;
		}
		if (!this.autoClaim) {
			if (!releaser.equals(this.ownership.consumerId())) {
				wanted.forEach(this::announceExpiredEntry);
			}
			return;
		}
		boolean mine = releaser.equals(this.ownership.consumerId());
		if (!mine) {
			claimReleasedUpToFairShare(wanted, detectedAtNanos);
			this.detector.execute(() -> claimReleasedUpToFairShare(wanted, detectedAtNanos), PAUSE);
		}
		// Whatever nobody below its share took: anyone, the releaser included, so that nothing stays released.
		this.detector.execute(() -> claimEntries(wanted, detectedAtNanos), PAUSE.multipliedBy(2));
	}

	/** Claims released entries up to this consumer's fair share of the live consumers' streams. */
	private void claimReleasedUpToFairShare(List<String> entryIds, long detectedAtNanos) {
		List<String> wanted = entryIds.stream().filter((id) -> !this.ownership.registry().holds(id)).toList();
		List<GroupMember> census = this.ownership.store().census(Duration.ZERO);
		long streams = census.stream().filter(GroupMember::live).mapToLong(GroupMember::pending).sum();
		int live = (int) census.stream().filter(GroupMember::live).count();
		long room = FairShare.room(this.ownership.registry().size(), streams, live);
		if (room > 0 && !wanted.isEmpty()) {
			claimEntries(wanted.subList(0, (int) Math.min(room, wanted.size())), detectedAtNanos);
		}
	}

	/** Claims these entries where their owner is gone or they were released; returns how many it won. */
	public int claimEntries(List<String> entryIds, long detectedAtNanos) {
		int won = 0;
		for (int from = 0; from < entryIds.size(); from += this.batch) {
			List<String> batch = entryIds.subList(from, Math.min(from + this.batch, entryIds.size()));
			int permits = this.ownership.registry().tryReservePermits(batch.size());
			if (permits == 0) {
				this.ownership.metrics().claim("limit", batch.size());
				break;
			}
			ClaimPage page;
			try {
				page = this.ownership.store().claimEntries(batch.subList(0, permits));
			}
			catch (RuntimeException ex) {
				this.ownership.registry().returnPermits(permits);
				throw ex;
			}
			won += accept(page, permits, detectedAtNanos);
		}
		return won;
	}

	/** Registers what a claim won, gives back the permits it did not use; returns the streams now owned. */
	private int accept(ClaimPage page, int permits, long detectedAtNanos) {
		int won = 0;
		int finished = 0;
		int held = 0;
		try {
			for (ClaimResult result : page.results()) {
				if (result.finished()) {
					finished++;
				}
				else if (!result.claimed()) {
					held++;
				}
				else if (acceptSafely(result, detectedAtNanos)) {
					won++;
				}
			}
		}
		finally {
			this.ownership.registry().returnPermits(permits - won);
		}
		if (finished > 0) {
			this.ownership.metrics().claim("finished", finished);
		}
		if (held > 0) {
			this.ownership.metrics().claim("lost", held);
		}
		return won;
	}

	/**
	 * {@link #accept(ClaimResult, long)}, and when it fails (Redis refused the dead letter or the done) the entry is
	 * released again, so that it is not left owned here in Redis and held nowhere.
	 */
	private boolean acceptSafely(ClaimResult result, long detectedAtNanos) {
		try {
			return accept(result, detectedAtNanos) != null;
		}
		catch (RuntimeException ex) {
			logger.warn("Taking claimed entry {} failed, releasing it again: {}", result.entryId(), ex.toString());
			try {
				this.ownership.store()
					.release(List.of(this.ownership.newLease(new StreamRef("", result.entryId()), Map.of(),
							result.token())));
			}
			catch (RuntimeException again) {
				logger.warn("Releasing {} failed too; it is claimed again when this consumer restarts: {}",
						result.entryId(), again.toString());
			}
			return false;
		}
	}

	/**
	 * Registers a won claim (a permit was reserved for it) and announces it as a claimed {@code STREAM_ADDED};
	 * dead-letters a poison or malformed entry instead. Returns the lease, or {@code null} when the entry was
	 * dead-lettered or this consumer already held it.
	 */
	private @Nullable Lease accept(ClaimResult result, long detectedAtNanos) {
		LbsMessage message;
		try {
			message = LbsMessages.parse(result.fields());
		}
		catch (MalformedEntryException ex) {
			deadLetter(LbsDeadLetters.MALFORMED, result, "", ex.getMessage());
			return null;
		}
		if (result.poison()) {
			deadLetter(LbsDeadLetters.POISON, result, message.dataStreamName(), "taken over from dead consumers "
					+ (result.deliveries() - 1) + " times (max-takeovers " + this.ownership.maxTakeovers()
					+ "): a poison stream, its consumers keep dying");
			return null;
		}
		Lease lease = this.ownership.newLease(new StreamRef(message.dataStreamName(), result.entryId()),
				message.info(), result.token());
		if (!this.ownership.registry().add(lease)) {
			// Held already (read again as new after a cluster failover): no second handle, the permit goes back.
			return null;
		}
		this.ownership.metrics().claim("won", 1);
		if (detectedAtNanos != 0) {
			this.ownership.metrics().failoverLatency(System.nanoTime() - detectedAtNanos);
		}
		this.ownership.dispatcher()
			.dispatch(StreamNotification.added(lease.ref(), lease.info(), lease.fencingToken(), true));
		return lease;
	}

	private void deadLetter(String kind, ClaimResult result, String name, String reason) {
		this.ownership.deadLetters().add(kind, result.entryId(), result.fields(), reason);
		Lease doomed = this.ownership.newLease(new StreamRef(name, result.entryId()), Map.of(), result.token());
		this.ownership.store().done(doomed);
	}

	/** Without auto-claim: tells the listener about each stream of a gone consumer ({@code STREAM_EXPIRED}). */
	private void announceExpired(String consumer) {
		StringRedisTemplate redis = this.ownership.redis();
		ServiceKeys keys = this.ownership.keys();
		PendingMessages pending = redis.opsForStream()
			.pending(keys.lbs(), org.springframework.data.redis.connection.stream.Consumer.from(keys.group(),
					consumer), Range.unbounded(), 100_000L);
		if (pending == null) {
			return;
		}
		long now = System.nanoTime();
		this.announced.values().removeIf((at) -> now - at >= this.reannounceAfterNanos);
		pending.forEach((message) -> {
			// Whatever is still in the map was announced within the re-announce period.
			if (this.announced.putIfAbsent(consumer + '\n' + message.getIdAsString(), now) == null) {
				announceExpiredEntry(message.getIdAsString());
			}
		});
	}

	private void announceExpiredEntry(String entryId) {
		byte[] lbs = this.ownership.keys().lbs().getBytes(StandardCharsets.UTF_8);
		List<ByteRecord> entries = this.ownership.redis()
			.execute((RedisCallback<List<ByteRecord>>) (connection) -> connection.streamCommands()
				.xRange(lbs, Range.closed(entryId, entryId)));
		if (entries == null || entries.isEmpty()) {
			return;
		}
		try {
			LbsMessage message = LbsMessages.parse(EntryFields.of(entries.get(0).getValue()));
			this.ownership.dispatcher()
				.dispatch(StreamNotification.expired(new StreamRef(message.dataStreamName(), entryId), message.info()));
		}
		catch (MalformedEntryException ex) {
			logger.debug("Expired LBS entry {} is malformed; whoever claims it dead-letters it", entryId);
		}
	}

}
