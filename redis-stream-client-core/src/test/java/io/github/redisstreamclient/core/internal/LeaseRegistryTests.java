package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.redisstreamclient.core.StreamEntry;
import io.github.redisstreamclient.core.StreamRef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseRegistryTests {

	private static final Lease.LeaseOwner NOTHING = new Lease.LeaseOwner() {

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
		public Optional<String> checkpoint(Lease lease) {
			return Optional.empty();
		}

	};

	private static Lease lease(String name, String entryId) {
		return new Lease(new StreamRef(name, entryId), Map.of(), 7, "redis-consumer-a", NOTHING);
	}

	@Test
	void permitsCapTheOwnedStreams() {
		LeaseRegistry registry = new LeaseRegistry(3);
		assertThat(registry.tryReservePermits(5)).isEqualTo(3);
		assertThat(registry.tryReservePermits(1)).isZero();
		registry.returnPermits(2);
		assertThat(registry.tryReservePermits(5)).isEqualTo(2);
	}

	@Test
	void removingAStreamGivesItsPermitBackOnce() {
		LeaseRegistry registry = new LeaseRegistry(1);
		assertThat(registry.tryReservePermits(1)).isOne();
		Lease lease = lease("s", "1-0");
		registry.add(lease);
		assertThat(registry.holds("1-0")).isTrue();
		assertThat(registry.remove(lease)).isTrue();
		assertThat(registry.remove(lease)).isFalse();
		assertThat(registry.tryReservePermits(5)).isOne();
	}

	@Test
	void streamsAreFoundByEntryIdAndByName() {
		LeaseRegistry registry = new LeaseRegistry(10);
		registry.tryReservePermits(3);
		Lease first = lease("orders", "1-0");
		Lease second = lease("orders", "2-0");
		Lease other = lease("users", "3-0");
		registry.add(first);
		registry.add(second);
		registry.add(other);
		assertThat(registry.byName("orders")).containsExactlyInAnyOrder(first, second);
		assertThat(registry.byEntryId("3-0")).isSameAs(other);
		registry.remove(first);
		assertThat(registry.byName("orders")).containsExactly(second);
		assertThat(registry.size()).isEqualTo(2);
	}

	@Test
	void oneNameHeldThreeTimesLosesOnlyTheRemovedLease() {
		LeaseRegistry registry = new LeaseRegistry(10);
		registry.tryReservePermits(3);
		Lease first = lease("orders", "1-0");
		Lease second = lease("orders", "2-0");
		Lease third = lease("orders", "3-0");
		registry.add(first);
		registry.add(second);
		assertThat(registry.add(second)).isFalse();
		registry.add(third);
		assertThat(registry.byName("orders")).containsExactlyInAnyOrder(first, second, third);
		registry.remove(second);
		assertThat(registry.byName("orders")).containsExactlyInAnyOrder(first, third);
		registry.remove(first);
		registry.remove(third);
		assertThat(registry.byName("orders")).isEmpty();
		assertThat(registry.size()).isZero();
	}

	@Test
	void anEntryAlreadyHeldIsNotAddedASecondTime() {
		LeaseRegistry registry = new LeaseRegistry(10);
		registry.tryReservePermits(2);
		Lease claimed = lease("orders", "1-0");
		Lease readAgain = lease("orders", "1-0");
		assertThat(registry.add(claimed)).isTrue();
		assertThat(registry.add(readAgain)).isFalse();
		assertThat(registry.byEntryId("1-0")).isSameAs(claimed);
		assertThat(registry.byName("orders")).containsExactly(claimed);
		assertThat(registry.size()).isOne();
	}

	@Test
	void aStreamFinishedWhileItsDoneWasInDoubtIsRemembered() {
		LeaseRegistry registry = new LeaseRegistry(10);
		registry.tryReservePermits(1);
		Lease lease = lease("orders", "1-0");
		registry.add(lease);
		registry.removeFinishedInDoubt(lease);
		assertThat(registry.holds("1-0")).isFalse();
		assertThat(registry.finishedInDoubt("1-0")).isSameAs(lease);
		assertThat(registry.finishedInDoubtByName("orders")).containsExactly(lease);
	}

	@Test
	void aStreamIsInDoubtUntilItLeavesTheRegistry() {
		LeaseRegistry registry = new LeaseRegistry(10);
		registry.tryReservePermits(2);
		Lease doubtful = lease("orders", "1-0");
		Lease other = lease("users", "2-0");
		registry.add(doubtful);
		registry.add(other);
		registry.markInDoubt(doubtful);
		assertThat(registry.inDoubt()).containsExactly(doubtful);
		registry.removeFinishedInDoubt(doubtful);
		assertThat(registry.inDoubt()).isEmpty();
	}

	@Test
	void aProducersInfoMayHoldJsonNulls() {
		// Found by the fuzzer: {"Info": {"k": null}} is valid for Go producers; Map.copyOf refused it after the
		// entry was already recorded, which left it pending without a handle.
		Map<String, Object> info = new java.util.HashMap<>();
		info.put("k", null);
		Lease lease = new Lease(new StreamRef("s", "1-0"), info, 1, "redis-consumer-a", NOTHING);
		assertThat(lease.info()).containsEntry("k", null);
		assertThat(io.github.redisstreamclient.core.StreamNotification.added(lease.ref(), info, 1, false).info())
			.containsEntry("k", null);
	}

	@Test
	void aLeaseEndsOnceAndFiresItsCancellation() {
		Lease lease = lease("orders", "1-0");
		assertThat(lease.value()).isEqualTo("redis-consumer-a:7");
		assertThat(lease.end(Lease.State.RELEASED)).isTrue();
		assertThat(lease.end(Lease.State.LOST)).isFalse();
		assertThat(lease.cancellation()).isDone();
		assertThat(lease.isOwned()).isFalse();
		assertThat(lease.startFinishing()).isFalse();
	}

	@Test
	void aCancellationAskedForBeforeTheEndFiresWhenTheLeaseEnds() {
		Lease lease = lease("orders", "1-0");
		assertThat(lease.cancellation()).isNotDone().isSameAs(lease.cancellation());
		assertThat(lease.startFinishing()).isTrue();
		assertThat(lease.end(Lease.State.LOST)).isTrue();
		assertThat(lease.cancellation()).isDone();
		Lease done = lease("orders", "2-0");
		done.startFinishing();
		done.finish();
		assertThat(done.cancellation()).isNotDone();
	}

}
