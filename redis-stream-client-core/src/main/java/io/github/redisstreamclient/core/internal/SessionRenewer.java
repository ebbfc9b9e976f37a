package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this consumer's session alive from one scheduled thread: one {@code PEXPIRE}-if-mine per tick, whatever the
 * consumer holds (the first version renewed a lease per stream, which capped a Redis near 100,000 streams).
 * <p>
 * When the session is gone (the consumer stalled past the TTL, or Redis restarted) it starts a new epoch and
 * reconciles: streams whose owner is still this consumer stay; the others were taken over and are reported lost.
 * A done() whose answer was lost is resolved here too, by reconciling the streams whose done() got no answer.
 * After a failed renewal (Redis answering {@code LOADING} after a restart, a cluster failover in progress, Redis
 * gone) the next try follows after 100 ms, not a tick.
 */
final class SessionRenewer {

	private static final Logger logger = LoggerFactory.getLogger(SessionRenewer.class);

	/** How soon a failed renewal is tried again. */
	private static final Duration RETRY = Duration.ofMillis(100);

	private final OwnershipStore store;

	private final LeaseRegistry registry;

	private final int batchSize;

	private final Duration interval;

	private final ClientMetrics metrics;

	private final Events events;

	private final ScheduledExecutorService scheduler;

	private volatile long epoch;

	private volatile @Nullable Instant lastSuccess;

	private boolean failing;

	private boolean retryScheduled;

	/** A reconcile of every held stream is due (the session lapsed) and has not completed yet. */
	private boolean fullReconcileDue;

	public SessionRenewer(String consumerId, OwnershipStore store, LeaseRegistry registry, int batchSize,
			Duration interval, ClientMetrics metrics, Events events) {
		this.store = store;
		this.registry = registry;
		this.batchSize = batchSize;
		this.interval = interval;
		this.metrics = metrics;
		this.events = events;
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "rsc-renew-" + consumerId);
			thread.setDaemon(true);
			return thread;
		});
		// Delayed work (a claim round after a pause, a retry) is dropped on stop: close() must not wait for it.
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.scheduler = executor;
	}

	/** Starts the session (on the caller's thread: {@code start()} fails when Redis refuses) and the ticks. */
	public long start() {
		this.epoch = this.store.startSession();
		this.lastSuccess = Instant.now();
		this.scheduler.scheduleAtFixedRate(this::tick, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
		return this.epoch;
	}

	/** The epoch of the current session; 0 before {@link #start()}. */
	public long epoch() {
		return this.epoch;
	}

	/** When the last tick renewed the session. */
	public @Nullable Instant lastSuccess() {
		return this.lastSuccess;
	}

	/** Runs a tick soon, for example when the keyevent of this consumer's own session expiring arrived. */
	public void tickSoon() {
		try {
			this.scheduler.execute(this::tick);
		}
		catch (RejectedExecutionException ex) {
			// Stopped.
		}
	}

	/** Renews the session once; runs on the renewer thread. */
	void tick() {
		long start = System.nanoTime();
		boolean renewed;
		try {
			renewed = this.store.renewSession(this.epoch);
		}
		catch (RuntimeException ex) {
			failed(ex);
			return;
		}
		this.metrics.renewalLatency(System.nanoTime() - start);
		this.events.redisAnswered();
		boolean returned = this.failing;
		this.failing = false;
		if (renewed) {
			this.metrics.renewals("renewed", 1);
		}
		else {
			this.metrics.renewals("restarted", 1);
			returned = true;
			try {
				this.epoch = this.store.startSession();
			}
			catch (RuntimeException ex) {
				failed(ex);
				return;
			}
			logger.warn("The session had lapsed (a stall longer than the lease TTL, or a Redis restart): new epoch "
					+ "{}, reconciling {} owned stream(s)", this.epoch, this.registry.size());
		}
		if (returned) {
			this.events.redisReturned();
		}
		this.fullReconcileDue |= !renewed;
		try {
			reconcile(this.fullReconcileDue ? new ArrayList<>(this.registry.all()) : this.registry.inDoubt());
			this.fullReconcileDue = false;
		}
		catch (RuntimeException ex) {
			// Again at the next tick, all of it: streams taken over meanwhile must not stay unnoticed.
			failed(ex);
			return;
		}
		this.lastSuccess = Instant.now();
	}

	private void reconcile(List<Lease> leases) {
		for (int from = 0; from < leases.size(); from += this.batchSize) {
			List<Lease> batch = leases.subList(from, Math.min(from + this.batchSize, leases.size()));
			int[] results = this.store.reconcile(batch);
			for (int i = 0; i < results.length; i++) {
				Lease lease = batch.get(i);
				switch (results[i]) {
					case 1 -> {
					}
					case 2 -> logger.info("The owner record of '{}' ({}) was gone, recorded again", lease.name(),
							lease.entryId());
					case 3 -> {
						// Finished. A done() whose answer was lost ran after all: not a loss.
						if (lease.finish()) {
							this.events.finishedInDoubt(lease);
						}
						else if (lease.end(Lease.State.LOST)) {
							this.events.lost(lease);
						}
					}
					default -> {
						if (lease.end(Lease.State.LOST)) {
							this.events.lost(lease);
						}
					}
				}
			}
		}
	}

	private void failed(RuntimeException ex) {
		this.metrics.renewals("failed", 1);
		String denied = AclDenials.explain(ex, "renewing the session");
		if (denied != null) {
			// Renewing can never work without the permission: stop ticking and let the client terminate.
			String reason = "rsc-renew: stopped renewing, a missing permission is not retried. " + denied;
			logger.error(reason);
			this.scheduler.shutdown();
			this.events.denied(reason);
			return;
		}
		boolean first = !this.failing;
		this.failing = true;
		// Tried again soon, not at the next tick: a restarted Redis reading its data (LOADING), or a cluster whose
		// promoted replica Lettuce learns of within a second, must see the renewal before the session's TTL runs out.
		// A failure that is not a timeout costs nothing to repeat.
		if (!this.retryScheduled) {
			try {
				this.scheduler.schedule(() -> {
					this.retryScheduled = false;
					tick();
				}, RETRY.toMillis(), TimeUnit.MILLISECONDS);
				this.retryScheduled = true;
			}
			catch (RejectedExecutionException stopped) {
				// Stopped.
			}
		}
		if (first) {
			logger.warn("Renewing the session failed, trying again every {} ms: {}", RETRY.toMillis(), ex.toString());
		}
		else {
			logger.debug("Renewing the session failed again: {}", ex.toString());
		}
	}

	/** Stops the scheduler and waits for a running tick. */
	public void stop() {
		this.scheduler.shutdown();
		try {
			if (!this.scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
				this.scheduler.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.scheduler.shutdownNow();
		}
	}

	/** What the renewer tells the client. Called on the renewer thread. */
	public interface Events {

		/** Another consumer took this stream over (or it was released and finished elsewhere). */
		void lost(Lease lease);

		/** A done() that got no answer had run after all. */
		void finishedInDoubt(Lease lease);

		/** Redis answered. */
		void redisAnswered();

		/** Redis answers again after failures, or this consumer's session was gone: a restart, or a stall. */
		void redisReturned();

		/** A permission is missing; the renewer stopped. */
		void denied(String reason);

	}

}
