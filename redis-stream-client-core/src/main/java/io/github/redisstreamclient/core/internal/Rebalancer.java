package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.github.redisstreamclient.core.internal.OwnershipStore.GroupMember;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in rebalancing (DESIGN.md, "Rebalance"): once per sweep interval a consumer that holds more than its fair share
 * times {@code 1 + tolerance} releases everything above its fair share, newest first, so that consumers that joined
 * later get streams they would otherwise never see. The owner of each released stream is told
 * {@code STREAM_DISOWNED} with reason {@code rebalanced}; the taker resumes from the checkpoint.
 */
final class Rebalancer {

	private static final Logger logger = LoggerFactory.getLogger(Rebalancer.class);

	/** The reason of the {@code STREAM_DISOWNED} a rebalanced stream's owner gets. */
	public static final String REASON = "rebalanced";

	private final Ownership ownership;

	private final double tolerance;

	public Rebalancer(Ownership ownership, double tolerance) {
		this.ownership = ownership;
		this.tolerance = tolerance;
	}

	/** Releases the excess, if any; returns how many streams were released. */
	public int rebalance() {
		List<GroupMember> census = this.ownership.store().census(Duration.ZERO);
		List<GroupMember> live = census.stream().filter(GroupMember::live).toList();
		long streams = live.stream().mapToLong(GroupMember::pending).sum();
		List<Lease> held = this.ownership.registry()
			.all()
			.stream()
			.filter(Lease::isOwned)
			.sorted(Comparator.comparing(Lease::heldSince).reversed())
			.toList();
		long excess = FairShare.excess(held.size(), streams, live.size(), this.tolerance);
		if (excess == 0) {
			return 0;
		}
		int released = this.ownership.operations().release(held.subList(0, (int) excess), REASON);
		logger.info("Consumer {} released {} stream(s) to rebalance: it held {} of {} over {} live consumer(s)",
				this.ownership.consumerId(), released, held.size(), streams, live.size());
		return released;
	}

}
