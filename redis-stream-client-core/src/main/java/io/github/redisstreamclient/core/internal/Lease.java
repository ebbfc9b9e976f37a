package io.github.redisstreamclient.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.StreamEntry;
import io.github.redisstreamclient.core.StreamRef;
import org.jspecify.annotations.Nullable;

/**
 * One stream this consumer owns (its entry in the owner hash is {@link #value()}), and what {@link OwnedStream} shows
 * the user. Nothing is renewed per stream: the consumer's session keeps them all, and there is no thread or timer per
 * stream. A million of these are held at once, so it keeps little: the owner hash value and {@link #heldSince()} are
 * made when asked for, the state is a plain volatile field, and the cancellation future exists once someone asks for
 * it (PERFORMANCE.md, heap per held stream).
 */
final class Lease implements OwnedStream {

	private static final VarHandle STATE;

	private static final VarHandle CANCELLATION;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			STATE = lookup.findVarHandle(Lease.class, "state", State.class);
			CANCELLATION = lookup.findVarHandle(Lease.class, "cancellation", CompletableFuture.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final StreamRef ref;

	private final Map<String, Object> info;

	private final long fencingToken;

	private final String consumerId;

	private final long heldSinceMillis;

	private final LeaseOwner owner;

	private volatile State state = State.HELD;

	private volatile @Nullable CompletableFuture<Void> cancellation;

	/** Where the next {@link #read} starts: exclusive; {@code null} until the checkpoint was looked up. */
	private volatile @Nullable String readPosition;

	public Lease(StreamRef ref, Map<String, Object> info, long fencingToken, String consumerId, LeaseOwner owner) {
		this.ref = ref;
		// Not Map.copyOf: a producer's Info may hold JSON nulls, as Go's map[string]interface{} does.
		this.info = info.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(info));
		this.fencingToken = fencingToken;
		this.consumerId = consumerId;
		this.heldSinceMillis = System.currentTimeMillis();
		this.owner = owner;
	}

	@Override
	public String name() {
		return this.ref.dataStreamName();
	}

	@Override
	public StreamRef ref() {
		return this.ref;
	}

	public String entryId() {
		return this.ref.lbsEntryId();
	}

	@Override
	public Map<String, Object> info() {
		return this.info;
	}

	@Override
	public long fencingToken() {
		return this.fencingToken;
	}

	/** The owner hash's value while this consumer owns the stream: {@code <consumer id>:<fencing token>}. */
	public String value() {
		return this.consumerId + ":" + this.fencingToken;
	}

	@Override
	public Instant heldSince() {
		return Instant.ofEpochMilli(this.heldSinceMillis);
	}

	@Override
	public boolean isOwned() {
		return this.state == State.HELD;
	}

	@Override
	public void done() {
		this.owner.done(this);
	}

	@Override
	public void release() {
		this.owner.release(this);
	}

	@Override
	public List<StreamEntry> read(int count, Duration block) {
		if (count <= 0) {
			throw new IllegalArgumentException("count must be greater than 0, but was " + count);
		}
		String from = this.readPosition;
		if (from == null) {
			from = this.owner.checkpoint(this).orElse("0-0");
		}
		List<StreamEntry> entries = this.owner.read(this, from, count, block);
		if (!entries.isEmpty()) {
			this.readPosition = entries.get(entries.size() - 1).id();
		}
		else if (this.readPosition == null) {
			this.readPosition = from;
		}
		return entries;
	}

	@Override
	public void commit(String entryId) {
		this.owner.commit(this, entryId);
	}

	@Override
	public Optional<String> checkpoint() {
		return this.owner.checkpoint(this);
	}

	@Override
	public CompletableFuture<Void> cancellation() {
		CompletableFuture<Void> cancellation = this.cancellation;
		if (cancellation == null) {
			CANCELLATION.compareAndSet(this, null, new CompletableFuture<Void>());
			cancellation = this.cancellation;
		}
		// end() may have run before the future existed: it is set before the state is read, end() does the reverse.
		State current = this.state;
		if (current == State.LOST || current == State.RELEASED) {
			cancellation.complete(null);
		}
		return cancellation;
	}

	/**
	 * Starts finishing the stream: from {@link State#HELD}, or again from {@link State#FINISHING} when an earlier
	 * done() ended without an answer from Redis. False once the lease was lost, released or is done.
	 */
	public boolean startFinishing() {
		return STATE.compareAndSet(this, State.HELD, State.FINISHING) || this.state == State.FINISHING;
	}

	/** The stream is finished: from {@link State#FINISHING} to {@link State#DONE}; false if it had left FINISHING. */
	public boolean finish() {
		return STATE.compareAndSet(this, State.FINISHING, State.DONE);
	}

	/**
	 * Lost to another consumer, or handed off on close: from {@link State#HELD} or {@link State#FINISHING} (a done in
	 * doubt) to {@code next}, which fires the cancellation signal. False when the lease had already ended.
	 */
	public boolean end(State next) {
		if (next != State.LOST && next != State.RELEASED) {
			throw new IllegalArgumentException("A lease ends as LOST or RELEASED, not " + next);
		}
		boolean ended = STATE.compareAndSet(this, State.HELD, next) || STATE.compareAndSet(this, State.FINISHING, next);
		CompletableFuture<Void> cancellation = this.cancellation;
		if (ended && cancellation != null) {
			cancellation.complete(null);
		}
		return ended;
	}

	public State state() {
		return this.state;
	}

	@Override
	public String toString() {
		return "Lease[" + this.ref.dataStreamName() + " @ " + this.ref.lbsEntryId() + ", token " + this.fencingToken
				+ ", " + this.state + "]";
	}

	/**
	 * Where a lease is in its life. A done() that got no answer leaves its lease FINISHING until a retry or the
	 * renewer learns whether Redis ran it.
	 */
	public enum State {

		HELD, FINISHING, DONE, RELEASED, LOST

	}

	/** Does the Redis work of an {@link OwnedStream} on behalf of its lease. */
	public interface LeaseOwner {

		void done(Lease lease);

		void release(Lease lease);

		List<StreamEntry> read(Lease lease, String after, int count, Duration block);

		void commit(Lease lease, String entryId);

		Optional<String> checkpoint(Lease lease);

	}

}
