package io.github.redisstreamclient.spring;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks on a shared executor, one at a time and in submission order per key (the stream name), in parallel
 * across keys. This is what lets a handler work on its stream for minutes without holding up the others, while
 * {@code STREAM_DISOWNED} still comes after the {@code STREAM_ADDED} of the same stream.
 * <p>
 * Our own because neither the JDK nor Spring offers a keyed serial executor; it is a queue per busy key and one
 * drain task per queue.
 */
public final class SerialStreamExecutor implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SerialStreamExecutor.class);

	private final Executor executor;

	private final Map<String, Queue<Runnable>> queues = new HashMap<>();

	public SerialStreamExecutor(Executor executor) {
		this.executor = executor;
	}

	/** Runs {@code task} after every task submitted before it for the same {@code key}. */
	public void execute(String key, Runnable task) {
		synchronized (this.queues) {
			Queue<Runnable> queue = this.queues.get(key);
			if (queue != null) {
				queue.add(task);
				return;
			}
			queue = new ArrayDeque<>();
			queue.add(task);
			this.queues.put(key, queue);
		}
		this.executor.execute(() -> drain(key));
	}

	/** Keys with queued or running tasks. */
	public int busyKeys() {
		synchronized (this.queues) {
			return this.queues.size();
		}
	}

	/** Shuts the delegate down if it is an {@link ExecutorService}, letting running handlers finish for 10 s. */
	@Override
	public void close() {
		if (this.executor instanceof ExecutorService service) {
			service.shutdown();
			try {
				if (!service.awaitTermination(10, TimeUnit.SECONDS)) {
					logger.warn("Stream handlers still running after 10 s; interrupting them");
					service.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				service.shutdownNow();
			}
		}
	}

	private void drain(String key) {
		while (true) {
			Runnable next;
			synchronized (this.queues) {
				Queue<Runnable> queue = this.queues.get(key);
				next = queue.peek();
				if (next == null) {
					this.queues.remove(key);
					return;
				}
			}
			try {
				next.run();
			}
			catch (RuntimeException ex) {
				logger.error("Task for stream '{}' failed", key, ex);
			}
			finally {
				synchronized (this.queues) {
					this.queues.get(key).poll();
				}
			}
		}
	}

}
