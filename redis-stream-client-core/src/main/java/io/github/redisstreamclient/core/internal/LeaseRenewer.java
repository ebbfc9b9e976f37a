package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews every lease of the client from one scheduled thread, one script call per batch of leases. The Go client runs
 * a goroutine and a timer per stream and one EXPIRE per stream per tick, which its operations guide names as the
 * reason it stops near 10,000 streams; here a tick costs ceil(leases / batch size) round trips.
 */
public final class LeaseRenewer {

	private static final Logger logger = LoggerFactory.getLogger(LeaseRenewer.class);

	private final LeaseRegistry registry;

	private final LeaseStore store;

	private final int batchSize;

	private final Duration interval;

	private final ClientMetrics metrics;

	private final Consumer<Lease> onLost;

	private final Consumer<Lease> onFinished;

	private final Runnable onRedisAnswered;

	private final Consumer<String> onDenied;

	private final ScheduledExecutorService scheduler;

	private volatile @Nullable Instant lastSuccess;

	public LeaseRenewer(String consumerId, LeaseRegistry registry, LeaseStore store, int batchSize, Duration interval,
			ClientMetrics metrics, Consumer<Lease> onLost, Consumer<Lease> onFinished, Runnable onRedisAnswered,
			Consumer<String> onDenied) {
		this.registry = registry;
		this.store = store;
		this.batchSize = batchSize;
		this.interval = interval;
		this.metrics = metrics;
		this.onLost = onLost;
		this.onFinished = onFinished;
		this.onRedisAnswered = onRedisAnswered;
		this.onDenied = onDenied;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "rsc-renew-" + consumerId);
			thread.setDaemon(true);
			return thread;
		});
	}

	public void start() {
		this.lastSuccess = Instant.now();
		this.scheduler.scheduleAtFixedRate(this::tick, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/** When the last tick renewed every lease it was given (or had none to renew). */
	public @Nullable Instant lastSuccess() {
		return this.lastSuccess;
	}

	/** Renews all held leases once; runs on the renewer thread. */
	void tick() {
		List<Lease> held = new ArrayList<>(this.registry.all());
		boolean allAnswered = true;
		for (int from = 0; from < held.size(); from += this.batchSize) {
			List<Lease> batch = held.subList(from, Math.min(from + this.batchSize, held.size()));
			allAnswered &= renew(batch);
		}
		if (allAnswered) {
			this.lastSuccess = Instant.now();
		}
	}

	private boolean renew(List<Lease> batch) {
		long start = System.nanoTime();
		int[] results;
		try {
			results = this.store.renew(batch);
		}
		catch (RuntimeException ex) {
			this.metrics.renewals("failed", batch.size());
			String denied = AclDenials.explain(ex, "renewing leases");
			if (denied != null) {
				// Renewing can never work without the permission: stop ticking and let the client terminate.
				String reason = "rsc-renew: stopped renewing, a missing permission is not retried. " + denied;
				logger.error(reason);
				this.scheduler.shutdown();
				this.onDenied.accept(reason);
				return false;
			}
			// Not a loss: the lease may still be ours. The next tick tries again; a lease that lapses meanwhile is
			// taken back by the script if nobody claimed it.
			logger.warn("Renewal of {} lease(s) failed: {}", batch.size(), ex.toString());
			return false;
		}
		this.metrics.renewalLatency(System.nanoTime() - start);
		this.onRedisAnswered.run();
		int renewed = 0;
		int resumed = 0;
		int lost = 0;
		for (int i = 0; i < results.length; i++) {
			Lease lease = batch.get(i);
			switch (results[i]) {
				case 1 -> renewed++;
				case 2 -> resumed++;
				case 3 -> {
					// Finished. A done() whose answer was lost ran after all: not a loss. A lease nobody was
					// finishing was taken over and finished by another consumer meanwhile: a loss.
					if (lease.finish()) {
						this.onFinished.accept(lease);
					}
					else if (lease.end(Lease.State.LOST)) {
						lost++;
						this.onLost.accept(lease);
					}
				}
				default -> {
					// A lease finished or released meanwhile is not lost, it is gone on purpose.
					if (lease.end(Lease.State.LOST)) {
						lost++;
						this.onLost.accept(lease);
					}
				}
			}
		}
		this.metrics.renewals("renewed", renewed);
		if (resumed > 0) {
			this.metrics.renewals("resumed", resumed);
			logger.info("{} lease(s) had lapsed without being claimed and were taken again", resumed);
		}
		if (lost > 0) {
			this.metrics.renewals("lost", lost);
		}
		return true;
	}

	/** Stops the scheduler and waits for a running tick, so no renewal follows a release. */
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

}
