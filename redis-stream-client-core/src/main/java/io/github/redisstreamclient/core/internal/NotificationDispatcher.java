package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamNotificationListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to the listener off the Redis threads, through bounded queues (the Go client's broker).
 * A stream always maps to the same lane, so its notifications arrive in order. When a lane is full, a
 * {@code STREAM_EXPIRED} notification is dropped and counted (the sweep finds the expired lease again); every other
 * kind waits for room, which slows the LBS reader down instead of losing an assignment.
 */
final class NotificationDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(NotificationDispatcher.class);

	private static final Object STOP = new Object();

	private final @Nullable StreamNotificationListener listener;

	private final ClientMetrics metrics;

	private final List<Lane> lanes = new ArrayList<>();

	public NotificationDispatcher(String threadName, int laneCount, int capacity,
			@Nullable StreamNotificationListener listener, ClientMetrics metrics) {
		this.listener = listener;
		this.metrics = metrics;
		for (int i = 0; i < laneCount; i++) {
			Lane lane = new Lane(capacity);
			Thread thread = new Thread(lane, threadName + "-" + i);
			thread.setDaemon(true);
			lane.thread = thread;
			this.lanes.add(lane);
		}
	}

	/** Starts the lane threads; notifications dispatched before wait in the queues. */
	public void start() {
		for (Lane lane : this.lanes) {
			lane.thread.start();
		}
	}

	/** Queues a notification for the listener. */
	public void dispatch(StreamNotification notification) {
		if (this.listener == null) {
			return;
		}
		String name = notification.streamName();
		Lane lane = this.lanes.get((name != null) ? Math.floorMod(name.hashCode(), this.lanes.size()) : 0);
		if (lane.queue.offer(notification)) {
			return;
		}
		if (notification.type() == StreamNotification.Type.STREAM_EXPIRED) {
			this.metrics.notificationDropped();
			logger.debug("Notification queue full, dropped {}", notification);
			return;
		}
		try {
			lane.queue.put(notification);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.metrics.notificationDropped();
			logger.warn("Interrupted while queueing {}; it was not delivered", notification);
		}
	}

	/** Delivers what is queued, then stops the lanes; waits at most {@code timeout}. */
	public void close(Duration timeout) {
		if (this.lanes.isEmpty() || !this.lanes.get(0).thread.isAlive()) {
			return;
		}
		for (Lane lane : this.lanes) {
			try {
				lane.queue.put(STOP);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Lane lane : this.lanes) {
			try {
				lane.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			if (lane.thread.isAlive()) {
				logger.warn("Listener still busy after {}; interrupting {}", timeout, lane.thread.getName());
				lane.thread.interrupt();
			}
		}
	}

	private final class Lane implements Runnable {

		private final BlockingQueue<Object> queue;

		private Thread thread;

		Lane(int capacity) {
			this.queue = new ArrayBlockingQueue<>(capacity);
		}

		@Override
		public void run() {
			while (true) {
				Object next;
				try {
					next = this.queue.take();
				}
				catch (InterruptedException ex) {
					return;
				}
				if (next == STOP) {
					return;
				}
				deliver((StreamNotification) next);
			}
		}

		private void deliver(StreamNotification notification) {
			try {
				NotificationDispatcher.this.listener.onNotification(notification);
			}
			catch (RuntimeException ex) {
				NotificationDispatcher.this.metrics.listenerFailed();
				logger.error("Listener failed on {} for stream '{}'", notification.type(), notification.streamName(),
						ex);
			}
		}

	}

}
