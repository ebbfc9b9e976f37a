package io.github.redisstreamclient.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The lease scripts and the calls around them. Each script is loaded once and called by SHA (Spring Data Redis
 * falls back to EVAL after a NOSCRIPT, for example after a Redis restart).
 */
public final class LeaseStore {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> ACQUIRE = script("acquire", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CLAIM = script("claim", List.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RENEW = script("renew", List.class);

	private static final RedisScript<Long> DONE = script("done", Long.class);

	private static final RedisScript<Long> RELEASE = script("release", Long.class);

	private static final RedisScript<Long> COMMIT = script("commit", Long.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> FIND_EXPIRED = script("find-expired", List.class);

	private static final RedisScript<Long> SWEEP_TURN = script("sweep-turn", Long.class);

	/** Leaves the bulk strings of a script reply as bytes. */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final RedisSerializer<List> BYTE_REPLIES = (RedisSerializer) RedisSerializer.byteArray();

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final String consumerId;

	private final String ttlMillis;

	public LeaseStore(StringRedisTemplate redis, ServiceKeys keys, String consumerId, Duration leaseTtl) {
		this.redis = redis;
		this.keys = keys;
		this.consumerId = consumerId;
		this.ttlMillis = Long.toString(leaseTtl.toMillis());
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

	/**
	 * Leases a batch of freshly delivered entries in one call: per entry its fencing token, or -1 when another
	 * consumer holds it.
	 */
	public long[] acquire(List<String> entryIds) {
		List<String> scriptKeys = new ArrayList<>(entryIds.size() + 1);
		scriptKeys.add(this.keys.fence());
		for (String entryId : entryIds) {
			scriptKeys.add(this.keys.leaseKey(entryId));
		}
		List<?> replies = run(ACQUIRE, "leasing new entries of '" + this.keys.lbs() + "' (keys '" + this.keys.fence()
				+ "', '" + this.keys.leasePrefix() + "*')", scriptKeys, this.consumerId, this.ttlMillis);
		long[] tokens = new long[entryIds.size()];
		for (int i = 0; i < tokens.length; i++) {
			tokens[i] = (replies != null && i < replies.size()) ? ((Number) replies.get(i)).longValue() : -1;
		}
		return tokens;
	}

	/** Claims entries whose lease is gone, in one call. */
	public List<ClaimResult> claim(List<String> entryIds) {
		if (entryIds.isEmpty()) {
			return List.of();
		}
		List<String> scriptKeys = new ArrayList<>(entryIds.size() + 2);
		scriptKeys.add(this.keys.lbs());
		scriptKeys.add(this.keys.fence());
		Object[] args = new Object[entryIds.size() + 3];
		args[0] = this.keys.group();
		args[1] = this.consumerId;
		args[2] = this.ttlMillis;
		for (int i = 0; i < entryIds.size(); i++) {
			scriptKeys.add(this.keys.leaseKey(entryIds.get(i)));
			args[i + 3] = entryIds.get(i);
		}
		// Replies as bytes: a claimed entry that is malformed is dead-lettered exactly as it is, even if not UTF-8.
		List<?> replies;
		try {
			replies = this.redis.execute(CLAIM, this.redis.getStringSerializer(), BYTE_REPLIES, scriptKeys, args);
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "claiming entries of '" + this.keys.lbs() + "' (keys '" + this.keys.lbs()
					+ "', '" + this.keys.fence() + "', '" + this.keys.leasePrefix() + "*')");
		}
		List<ClaimResult> results = new ArrayList<>(entryIds.size());
		for (Object reply : (replies != null) ? replies : List.of()) {
			List<?> parts = (List<?>) reply;
			String id = new String((byte[]) parts.get(0), StandardCharsets.UTF_8);
			long token = ((Number) parts.get(1)).longValue();
			EntryFields fields = EntryFields.ofFlat((parts.size() > 2) ? (List<?>) parts.get(2) : List.of());
			results.add(new ClaimResult(id, token, fields));
		}
		return results;
	}

	/**
	 * Renews a batch of leases in one call: per lease 1 (renewed), 2 (had lapsed, unclaimed, taken again), 3 (the
	 * stream is finished: pending for nobody, gone from the LBS) or 0 (lost).
	 */
	public int[] renew(List<Lease> batch) {
		List<String> scriptKeys = new ArrayList<>(batch.size() + 1);
		scriptKeys.add(this.keys.lbs());
		Object[] args = new Object[3 + 2 * batch.size()];
		args[0] = this.keys.group();
		args[1] = this.ttlMillis;
		args[2] = this.consumerId;
		int a = 3;
		for (Lease lease : batch) {
			scriptKeys.add(this.keys.leaseKey(lease.entryId()));
			args[a++] = lease.value();
			args[a++] = lease.entryId();
		}
		List<?> replies = run(RENEW, "renewing leases (keys '" + this.keys.lbs() + "', '" + this.keys.leasePrefix()
				+ "*')", scriptKeys, args);
		int[] results = new int[batch.size()];
		for (int i = 0; i < results.length && replies != null; i++) {
			results[i] = ((Number) replies.get(i)).intValue();
		}
		return results;
	}

	/** Releases the lease, acknowledges and deletes the LBS entry, if the caller owns it. */
	public DoneOutcome done(Lease lease) {
		Long done = run(DONE, "finishing '" + lease.name() + "' (keys '" + this.keys.lbs() + "', '"
				+ this.keys.leasePrefix() + "*', '" + this.keys.checkpoint() + "')",
				List.of(this.keys.lbs(), this.keys.leaseKey(lease.entryId()), this.keys.checkpoint()),
				this.keys.group(), lease.entryId(), lease.value(), this.consumerId, lease.name());
		if (done == null || done == 0) {
			return DoneOutcome.NOT_OWNER;
		}
		return (done == 1) ? DoneOutcome.DONE : DoneOutcome.ALREADY_FINISHED;
	}

	/** Moves the data stream's checkpoint to {@code dataEntryId}; false when the caller no longer owns it. */
	public boolean commit(Lease lease, String dataEntryId) {
		Long committed = run(COMMIT, "committing the checkpoint of '" + lease.name() + "' (keys '"
				+ this.keys.leasePrefix() + "*', '" + this.keys.checkpoint() + "', '" + this.keys.lbs() + "')",
				List.of(this.keys.leaseKey(lease.entryId()), this.keys.checkpoint(), this.keys.lbs()), lease.value(),
				lease.name(), dataEntryId, lease.entryId(), this.keys.group(), this.consumerId);
		return committed != null && committed == 1;
	}

	/** The data stream's last committed entry id, or {@code null}. */
	public @org.jspecify.annotations.Nullable String checkpoint(String dataStreamName) {
		Object committed;
		try {
			committed = this.redis.opsForHash().get(this.keys.checkpoint(), dataStreamName);
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "HGET of '" + this.keys.checkpoint() + "'");
		}
		return (committed != null) ? committed.toString() : null;
	}

	/** Deletes the leases still held by the caller without acknowledging anything; returns how many. */
	public long release(List<Lease> leases) {
		if (leases.isEmpty()) {
			return 0;
		}
		List<String> scriptKeys = new ArrayList<>(leases.size());
		Object[] args = new Object[leases.size()];
		for (int i = 0; i < leases.size(); i++) {
			scriptKeys.add(this.keys.leaseKey(leases.get(i).entryId()));
			args[i] = leases.get(i).value();
		}
		Long released = run(RELEASE, "releasing leases on close (keys '" + this.keys.leasePrefix() + "*')", scriptKeys,
				args);
		return (released != null) ? released : 0;
	}

	/** One page of pending LBS entries idle at least {@code minIdle} whose lease is gone. */
	public ExpiredPage findExpired(Duration minIdle, String start, int count) {
		List<?> reply = run(FIND_EXPIRED, "finding expired leases (keys '" + this.keys.lbs() + "', '"
				+ this.keys.leasePrefix() + "*')", List.of(this.keys.lbs()), this.keys.group(),
				Long.toString(minIdle.toMillis()), start, Integer.toString(count), this.keys.leasePrefix());
		if (reply == null || reply.size() < 2) {
			return new ExpiredPage(List.of(), null);
		}
		String next = (String) reply.get(0);
		List<String> ids = new ArrayList<>();
		for (Object id : (List<?>) reply.get(1)) {
			ids.add((String) id);
		}
		return new ExpiredPage(ids, (next == null || next.isEmpty()) ? null : next);
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

	/** Runs a script; a missing ACL permission comes out as an exception that says what to grant. */
	private <T> T run(RedisScript<T> script, String doing, List<String> scriptKeys, Object... args) {
		try {
			return this.redis.execute(script, scriptKeys, args);
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, doing);
		}
	}

	/** Outcome of a claim for one entry. */
	public record ClaimResult(String entryId, long token, EntryFields fields) {

		/** Whether the caller now holds the lease. */
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
		 * Finished before: pending for nobody and gone from the LBS. An earlier done() whose answer was lost ran after
		 * all (or a consumer that took the stream over finished it); either way the stream is finished.
		 */
		ALREADY_FINISHED,
		/** Another consumer holds the lease or has the entry pending. */
		NOT_OWNER

	}

	/** A page of the sweep; {@code next} is {@code null} after the last page. */
	public record ExpiredPage(List<String> entryIds, @org.jspecify.annotations.Nullable String next) {
	}

}
