package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code concurrency} worker threads that take deliveries from the queue and process them.
 */
final class WorkerPool {

	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	private static final long POLL_MILLIS = 100;

	private final String name;

	private final int concurrency;

	private final DeliveryQueue queue;

	private final Consumer<Delivery> processor;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	WorkerPool(String name, int concurrency, DeliveryQueue queue, Consumer<Delivery> processor) {
		this.name = name;
		this.concurrency = concurrency;
		this.queue = queue;
		this.processor = processor;
	}

	void start() {
		this.running = true;
		for (int i = 1; i <= this.concurrency; i++) {
			Thread worker = new Thread(this::work, "rsc-events-worker-" + this.name + "-" + i);
			worker.setDaemon(true);
			this.threads.add(worker);
			worker.start();
		}
	}

	/**
	 * Lets each worker finish the delivery in its hands and take no other; interrupts the handlers still running
	 * after {@code timeout}. Queued deliveries stay unacknowledged in Redis for another consumer to reclaim.
	 */
	void stop(Duration timeout) {
		this.running = false;
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread worker : this.threads) {
			// A handler may close its own consumer: a worker cannot wait for itself.
			if (worker == Thread.currentThread()) {
				continue;
			}
			try {
				worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		for (Thread worker : this.threads) {
			if (worker.isAlive() && worker != Thread.currentThread()) {
				logger.warn("Worker {} is still handling an event after {} ms; interrupting it", worker.getName(),
						timeout.toMillis());
				worker.interrupt();
			}
		}
	}

	private void work() {
		while (this.running) {
			Delivery delivery;
			try {
				delivery = this.queue.take(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (delivery != null) {
				try {
					this.processor.accept(delivery);
				}
				catch (RuntimeException ex) {
					// The processor settles every outcome itself; this keeps a bug there from killing the worker.
					logger.error("Processing entry {} of {} failed", delivery.entryId(), delivery.stream(), ex);
				}
			}
		}
	}

}
