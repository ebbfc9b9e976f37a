package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.StreamEntry;
import io.github.redisstreamclient.core.StreamRef;
import org.jspecify.annotations.Nullable;

/**
 * One lease this consumer holds: what the renewer renews and what {@link OwnedStream} shows the user. About 200 bytes
 * on the heap with its map entries; there is no thread or timer per lease.
 */
public final class Lease implements OwnedStream {

	private final StreamRef ref;

	private final Map<String, Object> info;

	private final long fencingToken;

	private final String value;

	private final Instant heldSince;

	private final LeaseOwner owner;

	private final AtomicReference<State> state = new AtomicReference<>(State.HELD);

	private final CompletableFuture<Void> cancellation = new CompletableFuture<>();

	/** Where the next {@link #read} starts: exclusive; {@code null} until the checkpoint was looked up. */
	private volatile @Nullable String readPosition;

	public Lease(StreamRef ref, Map<String, Object> info, long fencingToken, String consumerId, LeaseOwner owner) {
		this.ref = ref;
		this.info = Map.copyOf(info);
		this.fencingToken = fencingToken;
		this.value = consumerId + ":" + fencingToken;
		this.heldSince = Instant.now();
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

	/** The lease key's value while this consumer holds it: {@code <consumer id>:<fencing token>}. */
	public String value() {
		return this.value;
	}

	@Override
	public Instant heldSince() {
		return this.heldSince;
	}

	@Override
	public boolean isOwned() {
		return this.state.get() == State.HELD;
	}

	@Override
	public void done() {
		this.owner.done(this);
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
		return this.cancellation;
	}

	/**
	 * Moves from {@link State#HELD} to {@code next}; false when the lease had already left HELD. Losing or handing
	 * off the stream fires the cancellation signal.
	 */
	public boolean leave(State next) {
		boolean left = this.state.compareAndSet(State.HELD, next);
		if (left && (next == State.LOST || next == State.RELEASED)) {
			this.cancellation.complete(null);
		}
		return left;
	}

	/** Back from {@link State#FINISHING} to {@link State#HELD}, after a {@code done} that did not reach Redis. */
	public void restore() {
		this.state.compareAndSet(State.FINISHING, State.HELD);
	}

	public State state() {
		return this.state.get();
	}

	@Override
	public String toString() {
		return "Lease[" + this.ref.dataStreamName() + " @ " + this.ref.lbsEntryId() + ", token " + this.fencingToken
				+ ", " + this.state.get() + "]";
	}

	/** Where a lease is in its life. Only HELD leases are renewed. */
	public enum State {

		HELD, FINISHING, RELEASED, LOST

	}

	/** Does the Redis work of an {@link OwnedStream} on behalf of its lease. */
	public interface LeaseOwner {

		void done(Lease lease);

		List<StreamEntry> read(Lease lease, String after, int count, Duration block);

		void commit(Lease lease, String entryId);

		Optional<String> checkpoint(Lease lease);

	}

}
