package io.github.redisstreamclient.core.internal;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.StreamRef;

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

	/** Moves from {@link State#HELD} to {@code next}; false when the lease had already left HELD. */
	public boolean leave(State next) {
		return this.state.compareAndSet(State.HELD, next);
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

	/** Finishes a lease on behalf of {@link OwnedStream#done()}. */
	@FunctionalInterface
	public interface LeaseOwner {

		void done(Lease lease);

	}

}
