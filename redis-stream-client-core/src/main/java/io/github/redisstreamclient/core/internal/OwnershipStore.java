package io.github.redisstreamclient.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The ownership scripts (DESIGN.md, "Flows (ownership v2)") and the calls around them: sessions, the owner hash,
 * claims, done, commit and release. Each script is loaded once and called by SHA (Spring Data Redis falls back to
 * EVAL after a NOSCRIPT, for example after a Redis restart).
 */
final class OwnershipStore {

	private static final RedisScript<Long> SESSION_START = script("session-start", Long.class);

	private static final RedisScript<Long> SESSION_RENEW = script("session-renew", Long.class);

	private static final RedisScript<Long> SESSION_END = script("session-end", Long.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> ASSIGN = script("assign", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RECONCILE = script("reconcile", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CENSUS = script("census", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CLAIM = script("claim", List.class);

	private static final RedisScript<Long> DONE = script("done", Long.class);

	private static final RedisScript<Long> COMMIT = script("commit", Long.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RELEASE = script("release", List.class);

	private static final RedisScript<Long> SWEEP_TURN = script("sweep-turn", Long.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> SHARE = script("share", List.class);

	/** Leaves the bulk strings of a script reply as bytes. */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final RedisSerializer<List> BYTE_REPLIES = (RedisSerializer) RedisSerializer.byteArray();

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final String consumerId;

	private final String ttlMillis;

	private final String maxTakeovers;

	public OwnershipStore(StringRedisTemplate redis, ServiceKeys keys, String consumerId, Duration leaseTtl,
			int maxTakeovers) {
		this.redis = redis;
		this.keys = keys;
		this.consumerId = consumerId;
		this.ttlMillis = Long.toString(leaseTtl.toMillis());
		this.maxTakeovers = Integer.toString(maxTakeovers);
	}

	/**
	 * Reads the script text once. A script given by location re-checks the resource's modification time on every
	 * call, which showed as about a tenth of the client's CPU on the assignment path.
	 */
	private static <T> RedisScript<T> script(String name, Class<T> resultType) {
		ClassPathResource resource = new ClassPathResource(
				"io/github/redisstreamclient/core/internal/scripts/" + name + ".lua");
		try {
			RedisScript<T> script = RedisScript.of(resource.getContentAsString(StandardCharsets.UTF_8), resultType);
			AclDenials.register(name, script);
			return script;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + resource, ex);
		}
	}

	/** Starts a session: a new epoch, written to this consumer's session key with the lease TTL. */
	public long startSession() {
		Long epoch = run(SESSION_START, "starting the session (keys '" + this.keys.fence() + "', '"
				+ this.keys.session(this.consumerId) + "')", List.of(this.keys.fence(),
						this.keys.session(this.consumerId)), this.ttlMillis);
		return (epoch != null) ? epoch : 0;
	}

	/** Renews the session of {@code epoch}: one command; false when it is gone. */
	public boolean renewSession(long epoch) {
		Long renewed = run(SESSION_RENEW, "renewing the session (key '" + this.keys.session(this.consumerId) + "')",
				List.of(this.keys.session(this.consumerId)), Long.toString(epoch), this.ttlMillis);
		return renewed != null && renewed == 1;
	}

	/** Ends the session of {@code epoch} and leaves the group if nothing is pending; true when it left the group. */
	public boolean endSession(long epoch) {
		Long left = run(SESSION_END, "ending the session (keys '" + this.keys.session(this.consumerId) + "', '"
				+ this.keys.lbs() + "')", List.of(this.keys.session(this.consumerId), this.keys.lbs()),
				Long.toString(epoch), this.keys.group(), this.consumerId);
		return left != null && left == 1;
	}

	/**
	 * Records this consumer as owner of freshly delivered entries in one call: per entry its fencing token, or -1
	 * when it is not this consumer's to own.
	 */
	public long[] assign(List<String> entryIds, long epoch) {
		Object[] args = new Object[entryIds.size() + 3];
		args[0] = this.consumerId;
		args[1] = Long.toString(epoch);
		args[2] = this.keys.group();
		for (int i = 0; i < entryIds.size(); i++) {
			args[i + 3] = entryIds.get(i);
		}
		List<?> replies = run(ASSIGN, "recording the owner of new entries of '" + this.keys.lbs() + "' (keys '"
				+ this.keys.owner() + "', '" + this.keys.fence() + "')", List.of(this.keys.owner(), this.keys.fence(),
						this.keys.session(this.consumerId), this.keys.lbs()), args);
		long[] tokens = new long[entryIds.size()];
		for (int i = 0; i < tokens.length; i++) {
			tokens[i] = (replies != null && i < replies.size()) ? ((Number) replies.get(i)).longValue() : -1;
		}
		return tokens;
	}

	/**
	 * Which of these streams are still this consumer's: per lease 1 (owned), 2 (owner record lost but still pending
	 * here: recorded again), 3 (finished) or 0 (taken over or released).
	 */
	public int[] reconcile(List<Lease> leases) {
		List<?> replies = run(RECONCILE, "reconciling owned streams (keys '" + this.keys.owner() + "', '"
				+ this.keys.lbs() + "')", List.of(this.keys.owner(), this.keys.lbs()), pairs(leases, this.keys.group()));
		int[] results = new int[leases.size()];
		for (int i = 0; i < results.length && replies != null; i++) {
			results[i] = ((Number) replies.get(i)).intValue();
		}
		return results;
	}

	/** Releases streams this consumer owns without finishing them: per lease 1 released, 0 no longer owned. */
	public int[] release(List<Lease> leases) {
		if (leases.isEmpty()) {
			return new int[0];
		}
		List<?> replies = run(RELEASE, "releasing streams (key '" + this.keys.owner() + "')",
				List.of(this.keys.owner()), pairs(leases, null));
		int[] results = new int[leases.size()];
		for (int i = 0; i < results.length && replies != null; i++) {
			results[i] = ((Number) replies.get(i)).intValue();
		}
		return results;
	}

	private Object[] pairs(List<Lease> leases, @Nullable String group) {
		int head = (group != null) ? 2 : 1;
		Object[] args = new Object[head + 2 * leases.size()];
		args[0] = this.consumerId;
		if (group != null) {
			args[1] = group;
		}
		int a = head;
		for (Lease lease : leases) {
			args[a++] = lease.entryId();
			args[a++] = Long.toString(lease.fencingToken());
		}
		return args;
	}

	/**
	 * The group's consumers, what is pending for each and whether its session is live; removes names without
	 * session, with nothing pending and idle longer than {@code removeIdleAfter} (zero: none).
	 */
	public List<GroupMember> census(Duration removeIdleAfter) {
		List<?> replies = run(CENSUS, "listing the group's consumers (XINFO CONSUMERS of '" + this.keys.lbs()
				+ "', keys '" + this.keys.sessionPrefix() + "*')", List.of(this.keys.lbs()), this.keys.group(),
				this.keys.sessionPrefix(), Long.toString(removeIdleAfter.toMillis()), this.consumerId);
		List<GroupMember> members = new ArrayList<>();
		for (Object reply : (replies != null) ? replies : List.of()) {
			List<?> parts = (List<?>) reply;
			members.add(new GroupMember((String) parts.get(0), ((Number) parts.get(1)).longValue(),
					((Number) parts.get(2)).longValue() == 1));
		}
		return members;
	}

	/**
	 * Claims up to {@code limit} entries pending for {@code consumer} if it has no session, starting at {@code from}
	 * ({@code -} or an exclusive {@code (<id>}). {@code ownEpoch} is this consumer's epoch when {@code consumer} is
	 * this consumer's own id (entries an earlier process under the same id held), else 0.
	 */
	public ClaimPage claimFrom(String consumer, String from, int limit, long ownEpoch) {
		return claim(limit, "consumer", consumer, from, Long.toString(ownEpoch));
	}

	/** Claims these entries where their owner is gone or they were released. */
	public ClaimPage claimEntries(List<String> entryIds) {
		return claim(entryIds.size(), "ids", entryIds.toArray());
	}

	private ClaimPage claim(int limit, String mode, Object... modeArgs) {
		Object[] args = new Object[6 + modeArgs.length];
		args[0] = this.keys.group();
		args[1] = this.consumerId;
		args[2] = this.keys.sessionPrefix();
		args[3] = this.maxTakeovers;
		args[4] = Integer.toString(limit);
		args[5] = mode;
		System.arraycopy(modeArgs, 0, args, 6, modeArgs.length);
		// Replies as bytes: a claimed entry that is malformed is dead-lettered exactly as it is, even if not UTF-8.
		List<?> replies;
		try {
			replies = this.redis.execute(CLAIM, this.redis.getStringSerializer(), BYTE_REPLIES,
					List.of(this.keys.lbs(), this.keys.owner(), this.keys.fence()), args);
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "claiming entries of '" + this.keys.lbs() + "' (keys '" + this.keys.lbs()
					+ "', '" + this.keys.owner() + "', '" + this.keys.fence() + "', '" + this.keys.sessionPrefix()
					+ "*')");
		}
		if (replies == null || replies.isEmpty() || ((Number) replies.get(0)).longValue() == 1) {
			return new ClaimPage(true, List.of(), null);
		}
		String last = text(replies.get(1));
		List<ClaimResult> results = new ArrayList<>(replies.size() - 2);
		for (Object reply : replies.subList(2, replies.size())) {
			List<?> parts = (List<?>) reply;
			String id = text(parts.get(0));
			long token = ((Number) parts.get(1)).longValue();
			if (token > 0) {
				results.add(new ClaimResult(id, token, EntryFields.ofFlat((List<?>) parts.get(2)),
						((Number) parts.get(3)).longValue(), ((Number) parts.get(4)).longValue() == 1));
			}
			else {
				results.add(new ClaimResult(id, token, EntryFields.ofFlat(List.of()), 0, false));
			}
		}
		return new ClaimPage(false, results, last.isEmpty() ? null : last);
	}

	private static String text(Object reply) {
		return (reply instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
	}

	/** Forgets the owner, acknowledges and deletes the LBS entry, if the caller owns it. */
	public DoneOutcome done(Lease lease) {
		Long done = run(DONE, "finishing '" + lease.name() + "' (keys '" + this.keys.lbs() + "', '"
				+ this.keys.owner() + "', '" + this.keys.checkpoint() + "')",
				List.of(this.keys.lbs(), this.keys.owner(), this.keys.checkpoint()), this.keys.group(), lease.entryId(),
				lease.value(), lease.name());
		if (done == null || done == 0) {
			return DoneOutcome.NOT_OWNER;
		}
		return (done == 1) ? DoneOutcome.DONE : DoneOutcome.ALREADY_FINISHED;
	}

	/** Moves the data stream's checkpoint to {@code dataEntryId}; false when the caller no longer owns it. */
	public boolean commit(Lease lease, String dataEntryId) {
		Long committed = run(COMMIT, "committing the checkpoint of '" + lease.name() + "' (keys '"
				+ this.keys.owner() + "', '" + this.keys.checkpoint() + "')",
				List.of(this.keys.owner(), this.keys.checkpoint()), lease.value(), lease.name(), dataEntryId,
				lease.entryId());
		return committed != null && committed == 1;
	}

	/** The data stream's last committed entry id, or {@code null}. */
	public @Nullable String checkpoint(String dataStreamName) {
		Object committed;
		try {
			committed = this.redis.opsForHash().get(this.keys.checkpoint(), dataStreamName);
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "HGET of '" + this.keys.checkpoint() + "'");
		}
		return (committed != null) ? committed.toString() : null;
	}

	/**
	 * Whether the caller sweeps now: true when no consumer of the service started a sweep within {@code period};
	 * the start is then recorded.
	 */
	public boolean takeSweepTurn(Duration period) {
		Long turn = run(SWEEP_TURN, "taking a turn to sweep (key '" + this.keys.sweep() + "')", List.of(this.keys.sweep()),
				Long.toString(period.toMillis()));
		return turn != null && turn == 1;
	}

	/** The LBS length (entries not done) and the number of consumers in the group: what a fair share is now. */
	public LbsShare share() {
		List<?> reply = run(SHARE, "sizing the next LBS read (XLEN and XINFO GROUPS of '" + this.keys.lbs() + "')",
				List.of(this.keys.lbs()), this.keys.group());
		if (reply == null || reply.size() < 2) {
			return new LbsShare(0, 0);
		}
		return new LbsShare(((Number) reply.get(0)).longValue(), ((Number) reply.get(1)).intValue());
	}

	/** Runs a script; a missing ACL permission comes out as an exception that says what to grant. */
	private <T> T run(RedisScript<T> script, String doing, List<String> scriptKeys, Object... args) {
		try {
			return this.redis.execute(script, scriptKeys, args);
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, doing);
		}
	}

	/** The LBS length and the group's consumer count, as {@code share.lua} saw them. */
	public record LbsShare(long length, int consumers) {
	}

	/** One consumer of the group as {@code census.lua} saw it. */
	public record GroupMember(String name, long pending, boolean live) {

		/** Pending entries and no session: the consumer died (or closed) and its streams are to be claimed. */
		public boolean dead() {
			return !this.live && this.pending > 0;
		}

	}

	/**
	 * What one claim call did. {@code ownerAlive}: the consumer whose entries were to be claimed has a session, so
	 * nothing was looked at. {@code last}: the last entry id looked at, where the next page starts.
	 */
	public record ClaimPage(boolean ownerAlive, List<ClaimResult> results, @Nullable String last) {

		public int claimedCount() {
			return (int) this.results.stream().filter(ClaimResult::claimed).count();
		}

	}

	/**
	 * Outcome of a claim for one entry. {@code deliveries}: the entry's delivery count before this claim (the first
	 * read counts one, each takeover from a dead owner one more); {@code poison}: taken over from dead owners
	 * {@code maxTakeovers} times before, so this takeover is one too many.
	 */
	public record ClaimResult(String entryId, long token, EntryFields fields, long deliveries, boolean poison) {

		/** Whether the caller now owns the entry. */
		public boolean claimed() {
			return this.token > 0;
		}

		/** Whether the entry is finished (done, or deleted): nobody can own it any more. */
		public boolean finished() {
			return this.token < 0;
		}

	}

	/** What {@code done.lua} did. */
	public enum DoneOutcome {

		/** Finished now. */
		DONE,
		/**
		 * Finished before: no owner, pending for nobody and gone from the LBS. An earlier done() whose answer was
		 * lost ran after all (or a consumer that took the stream over finished it); either way it is finished.
		 */
		ALREADY_FINISHED,
		/** Another consumer owns the entry, or it was released. */
		NOT_OWNER

	}

}
