package io.github.redisstreamclient.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The leases this consumer holds, by LBS entry id and by stream name, and the permits that cap their number at
 * {@code maxOwnedStreams}: a permit is taken before reading or claiming a stream and given back when its lease ends.
 */
final class LeaseRegistry {

	private final Map<String, Lease> byEntryId = new ConcurrentHashMap<>();

	/**
	 * By stream name: the lease itself, or a {@code Lease[]} in the rare case that one name is held twice (two LBS
	 * entries of one stream). A set per name cost about 200 bytes per held stream.
	 */
	private final Map<String, Object> byName = new ConcurrentHashMap<>();

	private final Semaphore permits;

	/** Streams whose done() got no answer: the renewer asks Redis about these few instead of scanning every stream. */
	private final Set<Lease> inDoubt = ConcurrentHashMap.newKeySet();

	/**
	 * Leases whose done() got no answer and that the renewer then found finished, so that a retry of done() by name
	 * or reference still succeeds after the lease left the registry. Such a lost answer is rare: the newest 1,000
	 * are kept.
	 */
	private final Map<String, Lease> finishedInDoubt = Collections.synchronizedMap(new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Lease> eldest) {
			return size() > 1000;
		}

	});

	public LeaseRegistry(int maxOwnedStreams) {
		this.permits = new Semaphore(maxOwnedStreams);
	}

	/** Takes a permit, waiting while the limit is reached and {@code keepWaiting} holds. */
	public boolean reservePermit(BooleanSupplier keepWaiting) throws InterruptedException {
		while (keepWaiting.getAsBoolean()) {
			if (this.permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
				return true;
			}
		}
		return false;
	}

	/** Takes up to {@code wanted} permits without waiting; returns how many it took. */
	public int tryReservePermits(int wanted) {
		int taken = 0;
		while (taken < wanted && this.permits.tryAcquire()) {
			taken++;
		}
		return taken;
	}

	public void returnPermits(int count) {
		if (count > 0) {
			this.permits.release(count);
		}
	}

	/**
	 * Adds a lease for which a permit was already taken; false, adding nothing, when this consumer already holds the
	 * entry. That happens after a Redis Cluster failover that lost the group's last delivered id: an entry this
	 * consumer had claimed is read again as new (found by the cluster chaos soak: two handles of one entry, the
	 * second committing after the first finished the stream).
	 */
	public boolean add(Lease lease) {
		if (this.byEntryId.putIfAbsent(lease.entryId(), lease) != null) {
			return false;
		}
		this.byName.merge(lease.name(), lease, (held, added) -> with(leases(held), lease));
		return true;
	}

	/** Removes a lease and gives its permit back; false when it was not registered. */
	public boolean remove(Lease lease) {
		this.inDoubt.remove(lease);
		if (!this.byEntryId.remove(lease.entryId(), lease)) {
			return false;
		}
		this.byName.computeIfPresent(lease.name(), (name, held) -> without(leases(held), lease));
		this.permits.release();
		return true;
	}

	/** Removes a lease whose done() got no answer but ran, remembering it for a retry of done(). */
	public void removeFinishedInDoubt(Lease lease) {
		this.finishedInDoubt.put(lease.entryId(), lease);
		remove(lease);
	}

	/** A lease removed by {@link #removeFinishedInDoubt}, by LBS entry id, if it is still remembered. */
	public @Nullable Lease finishedInDoubt(String entryId) {
		return this.finishedInDoubt.get(entryId);
	}

	/** The leases of a stream name removed by {@link #removeFinishedInDoubt} and still remembered. */
	public List<Lease> finishedInDoubtByName(String name) {
		synchronized (this.finishedInDoubt) {
			return this.finishedInDoubt.values().stream().filter((lease) -> lease.name().equals(name)).toList();
		}
	}

	/** A done() of this stream got no answer: Redis may have run it or not. */
	public void markInDoubt(Lease lease) {
		this.inDoubt.add(lease);
	}

	/** The streams whose done() got no answer and that are still registered. */
	public List<Lease> inDoubt() {
		return List.copyOf(this.inDoubt);
	}

	public boolean holds(String entryId) {
		return this.byEntryId.containsKey(entryId);
	}

	public @Nullable Lease byEntryId(String entryId) {
		return this.byEntryId.get(entryId);
	}

	public List<Lease> byName(String name) {
		Object held = this.byName.get(name);
		return (held != null) ? List.of(leases(held)) : List.of();
	}

	public Collection<Lease> all() {
		return new ArrayList<>(this.byEntryId.values());
	}

	public int size() {
		return this.byEntryId.size();
	}

	private static Lease[] leases(Object held) {
		return (held instanceof Lease lease) ? new Lease[] { lease } : (Lease[]) held;
	}

	private static Object with(Lease[] held, Lease lease) {
		for (Lease each : held) {
			if (each == lease) {
				return (held.length == 1) ? held[0] : held;
			}
		}
		Lease[] more = Arrays.copyOf(held, held.length + 1);
		more[held.length] = lease;
		return more;
	}

	private static @Nullable Object without(Lease[] held, Lease lease) {
		Lease[] rest = Arrays.stream(held).filter((each) -> each != lease).toArray(Lease[]::new);
		return switch (rest.length) {
			case 0 -> null;
			case 1 -> rest[0];
			default -> rest;
		};
	}

}
