package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import io.github.redisstreamclient.core.internal.AclDenials;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles one delivery: decodes it, calls the handler and then acknowledges it, schedules a retry or moves it to
 * the dead-letter stream. An entry that cannot be decoded is dead-lettered at once, since no retry can fix it.
 * <p>
 * When Redis fails while settling, the entry simply stays pending: the reclaimer delivers it again later.
 */
final class DeliveryProcessor {

	private static final Logger logger = LoggerFactory.getLogger(DeliveryProcessor.class);

	private final EventHandler handler;

	private final EventStreams streams;

	private final int maxDeliveries;

	private final GroupCommands group;

	private final DeadLetterWriter deadLetters;

	private final RetryScheduler retries;

	private final HeldEntries held;

	private final EventMetrics metrics;

	private final EventObservations observations;

	private final Consumer<String> onDenied;

	DeliveryProcessor(EventHandler handler, EventStreams streams, int maxDeliveries, GroupCommands group,
			DeadLetterWriter deadLetters, RetryScheduler retries, HeldEntries held, EventMetrics metrics,
			EventObservations observations, Consumer<String> onDenied) {
		this.handler = handler;
		this.streams = streams;
		this.maxDeliveries = maxDeliveries;
		this.group = group;
		this.deadLetters = deadLetters;
		this.retries = retries;
		this.held = held;
		this.metrics = metrics;
		this.observations = observations;
		this.onDenied = onDenied;
	}

	void process(Delivery delivery) {
		String type = this.streams.typeOf(delivery.stream());
		boolean retrying = false;
		try {
			Event event;
			try {
				event = EventCodec.decode(delivery.fields());
			}
			catch (EventCodec.MalformedEventException ex) {
				deadLetter(delivery, type, "Malformed event: " + ex.getMessage());
				return;
			}
			Throwable failure = invokeHandler(type,
					new ReceivedEvent(delivery.stream(), delivery.entryId(), delivery.deliveryCount(), event));
			if (failure == null) {
				this.group.ack(delivery.stream(), delivery.entryId());
				this.metrics.consumed(type, EventMetrics.ACKED);
				return;
			}
			String error = failure.getClass().getName() + ": " + failure.getMessage();
			if (delivery.deliveryCount() >= this.maxDeliveries) {
				deadLetter(delivery, type, error);
				return;
			}
			Duration delay = this.retries.schedule(delivery);
			retrying = true;
			this.metrics.consumed(type, EventMetrics.RETRIED);
			logger.warn("Handler failed on entry {} of {} (delivery {} of {}), retrying in {} ms: {}",
					delivery.entryId(), delivery.stream(), delivery.deliveryCount(), this.maxDeliveries,
					delay.toMillis(), error);
		}
		catch (RejectedExecutionException ex) {
			logger.info("Consumer closing: entry {} of {} stays pending until another consumer reclaims it",
					delivery.entryId(), delivery.stream());
		}
		catch (RuntimeException ex) {
			String denied = AclDenials.explain(ex, "settling entry " + delivery.entryId() + " of '" + delivery.stream()
					+ "' (XACK, or XADD to '" + this.streams.deadLetter() + "')");
			if (denied != null) {
				this.onDenied.accept(denied);
			}
			else {
				logger.warn("Could not settle entry {} of {} ({}); it stays pending and is delivered again later",
						delivery.entryId(), delivery.stream(), ex.toString());
			}
		}
		finally {
			if (!retrying) {
				this.held.release(delivery);
			}
		}
	}

	private @Nullable Throwable invokeHandler(String type, ReceivedEvent received) {
		long start = System.nanoTime();
		try {
			this.observations.process(received, this.handler);
			return null;
		}
		catch (Exception | LinkageError | AssertionError ex) {
			return ex;
		}
		finally {
			this.metrics.handlerLatency(type, System.nanoTime() - start);
		}
	}

	private void deadLetter(Delivery delivery, String type, String error) {
		this.deadLetters.deadLetter(delivery, error);
		this.metrics.consumed(type, EventMetrics.DEAD_LETTERED);
		logger.warn("Entry {} of {} moved to the dead-letter stream after {} deliver{}: {}", delivery.entryId(),
				delivery.stream(), delivery.deliveryCount(), (delivery.deliveryCount() == 1) ? "y" : "ies", error);
	}

}
