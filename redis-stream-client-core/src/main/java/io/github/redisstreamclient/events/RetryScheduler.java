package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.EntryFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a failed entry again after a backoff that doubles with its delivery count, up to a cap: when the pause
 * is over it XCLAIMs the entry to this consumer, which adds one to Redis's delivery count, and queues it again.
 * <p>
 * Nothing about the retry lives only in memory: the entry stays pending in Redis with its delivery count, so if
 * this consumer dies or Redis fails during the pause, a reclaim delivers it later with the right count.
 */
final class RetryScheduler {

	private static final Logger logger = LoggerFactory.getLogger(RetryScheduler.class);

	private final ScheduledExecutorService scheduler;

	private final GroupCommands group;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final Requeue requeue;

	private final HeldEntries held;

	private final Consumer<String> onDenied;

	RetryScheduler(ScheduledExecutorService scheduler, GroupCommands group, Duration initialBackoff,
			Duration maxBackoff, Requeue requeue, HeldEntries held, Consumer<String> onDenied) {
		this.scheduler = scheduler;
		this.group = group;
		this.initialBackoff = initialBackoff;
		this.maxBackoff = maxBackoff;
		this.requeue = requeue;
		this.held = held;
		this.onDenied = onDenied;
	}

	/**
	 * Schedules the next delivery of an entry whose handler failed.
	 * @return the pause before it
	 * @throws RejectedExecutionException when the consumer is closing
	 */
	Duration schedule(Delivery failed) {
		Duration delay = backoff(failed.deliveryCount(), this.initialBackoff, this.maxBackoff);
		this.scheduler.schedule(() -> redeliver(failed, delay), delay.toMillis(), TimeUnit.MILLISECONDS);
		return delay;
	}

	/** {@code initial} after the first delivery, doubling with each further one, at most {@code max}. */
	static Duration backoff(long deliveryCount, Duration initial, Duration max) {
		long doublings = Math.min(Math.max(deliveryCount - 1, 0), 30);
		long millis = initial.toMillis() << doublings;
		return (millis <= 0 || millis > max.toMillis()) ? max : Duration.ofMillis(millis);
	}

	private void redeliver(Delivery failed, Duration delay) {
		boolean queued = false;
		try {
			// The entry has been idle at least as long as the pause, unless another consumer claimed it meanwhile
			// (the handler outlived reclaimMinIdle): then it is theirs, and this claim takes nothing.
			Duration minIdle = delay.multipliedBy(3).dividedBy(4);
			Map<String, EntryFields> claimed = this.group.claim(failed.stream(), minIdle, List.of(failed.entryId()));
			EntryFields fields = claimed.get(failed.entryId());
			if (fields == null) {
				logger.debug("Entry {} of {} was claimed by another consumer or deleted before its retry",
						failed.entryId(), failed.stream());
				return;
			}
			queued = this.requeue.put(failed.redelivered(failed.deliveryCount() + 1, fields));
		}
		catch (RuntimeException ex) {
			String denied = AclDenials.explain(ex,
					"delivering entry " + failed.entryId() + " of '" + failed.stream() + "' again (XCLAIM)");
			if (denied != null) {
				this.onDenied.accept(denied);
			}
			else {
				logger.warn("Could not deliver entry {} of {} again ({}); it stays pending and is reclaimed later",
						failed.entryId(), failed.stream(), ex.toString());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (!queued) {
				this.held.release(failed);
			}
		}
	}

	/** Queues an entry this consumer owns, waiting for room. */
	@FunctionalInterface
	interface Requeue {

		/** @return {@code false} when the consumer closed while waiting */
		boolean put(Delivery delivery) throws InterruptedException;

	}

}
