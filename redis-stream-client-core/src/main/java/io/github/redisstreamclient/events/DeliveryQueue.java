package io.github.redisstreamclient.events;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded in-flight queue between the reader and the workers, applying the {@link BackpressureStrategy} to
 * newly read entries.
 */
final class DeliveryQueue {

	private static final Logger logger = LoggerFactory.getLogger(DeliveryQueue.class);

	// How often a waiting producer looks whether the consumer is still running.
	private static final long WAIT_SLICE_MILLIS = 100;

	private final ArrayBlockingQueue<Delivery> queue;

	private final BackpressureOptions options;

	private final Consumer<Delivery> onDropped;

	private final String consumerName;

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicBoolean aboveThreshold = new AtomicBoolean();

	DeliveryQueue(BackpressureOptions options, Consumer<Delivery> onDropped, String consumerName) {
		this.queue = new ArrayBlockingQueue<>(options.maxQueueSize());
		this.options = options;
		this.onDropped = onDropped;
		this.consumerName = consumerName;
	}

	/**
	 * Queues a newly read entry according to the strategy: waits for room ({@code BLOCK}) or drops an entry.
	 * @return {@code false} when it stopped waiting because {@code running} turned false
	 */
	boolean offer(Delivery delivery, BooleanSupplier running) throws InterruptedException {
		switch (this.options.strategy()) {
			case BLOCK -> {
				return put(delivery, running);
			}
			case DROP_NEWEST -> {
				if (!this.queue.offer(delivery)) {
					drop(delivery);
				}
			}
			case DROP_OLDEST -> {
				while (!this.queue.offer(delivery)) {
					Delivery oldest = this.queue.poll();
					if (oldest != null) {
						drop(oldest);
					}
				}
			}
		}
		checkThreshold();
		return true;
	}

	/**
	 * Queues an entry this consumer already owns (a retry or a reclaimed entry), waiting for room whatever the
	 * strategy: it was not read because of the load, so the load is no reason to drop it.
	 * @return {@code false} when it stopped waiting because {@code running} turned false
	 */
	boolean put(Delivery delivery, BooleanSupplier running) throws InterruptedException {
		while (!this.queue.offer(delivery, WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
			if (!running.getAsBoolean()) {
				return false;
			}
		}
		checkThreshold();
		return true;
	}

	@Nullable Delivery take(long timeoutMillis) throws InterruptedException {
		Delivery next = this.queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		if (next != null && fillRatio() < this.options.warningThreshold()) {
			this.aboveThreshold.set(false);
		}
		return next;
	}

	int size() {
		return this.queue.size();
	}

	long dropped() {
		return this.dropped.get();
	}

	BackpressureStats stats() {
		int size = size();
		return new BackpressureStats(size, this.options.maxQueueSize(), dropped(),
				(double) size / this.options.maxQueueSize());
	}

	private void drop(Delivery delivery) {
		this.dropped.incrementAndGet();
		logger.warn("Consumer {} dropped entry {} of {} ({}: in-flight queue full at {})", this.consumerName,
				delivery.entryId(), delivery.stream(), this.options.strategy(), this.options.maxQueueSize());
		this.onDropped.accept(delivery);
	}

	private void checkThreshold() {
		double ratio = fillRatio();
		if (ratio >= this.options.warningThreshold() && this.aboveThreshold.compareAndSet(false, true)) {
			logger.warn("Consumer {} in-flight queue is {}% full ({} of {}); handlers are not keeping up",
					this.consumerName, Math.round(ratio * 100), size(), this.options.maxQueueSize());
		}
	}

	private double fillRatio() {
		return (double) this.queue.size() / this.options.maxQueueSize();
	}

}
