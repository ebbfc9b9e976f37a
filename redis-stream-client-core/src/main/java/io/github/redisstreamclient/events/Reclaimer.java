package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.EntryFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.PendingMessage;

/**
 * Takes over entries that sit unacknowledged for too long, typically those of a consumer that crashed: pages
 * through the group's pending entries idle for at least {@code minIdle} (XPENDING with IDLE), XCLAIMs them to this
 * consumer with the same minimum idle time, so that of two consumers reclaiming at once only one gets each entry,
 * and queues them with their delivery count. That is XAUTOCLAIM with the delivery counts it does not return, from
 * commands Spring Data Redis offers.
 * <p>
 * Entries this consumer holds itself (queued, being handled or waiting for a retry) look idle too and are skipped.
 */
final class Reclaimer {

	private static final Logger logger = LoggerFactory.getLogger(Reclaimer.class);

	private final GroupCommands group;

	private final List<String> streams;

	private final Duration minIdle;

	private final int pageSize;

	private final HeldEntries held;

	private final RetryScheduler.Requeue requeue;

	private final BooleanSupplier running;

	private final Consumer<String> onDenied;

	Reclaimer(GroupCommands group, List<String> streams, Duration minIdle, int pageSize, HeldEntries held,
			RetryScheduler.Requeue requeue, BooleanSupplier running, Consumer<String> onDenied) {
		this.group = group;
		this.streams = List.copyOf(streams);
		this.minIdle = minIdle;
		this.pageSize = pageSize;
		this.held = held;
		this.requeue = requeue;
		this.running = running;
		this.onDenied = onDenied;
	}

	/** One pass over all streams; errors are logged and the next pass tries again. */
	void reclaim() {
		for (String stream : this.streams) {
			try {
				int reclaimed = reclaim(stream);
				if (reclaimed > 0) {
					logger.info("Consumer {} reclaimed {} idle entr{} of {}", this.group.consumerName(), reclaimed,
							(reclaimed == 1) ? "y" : "ies", stream);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				String denied = AclDenials.explain(ex, "reclaiming idle entries of '" + stream + "' (XPENDING, XCLAIM)");
				if (denied != null) {
					this.onDenied.accept(denied);
					return;
				}
				if (this.running.getAsBoolean()) {
					logger.warn("Consumer {} could not reclaim idle entries of {}: {}", this.group.consumerName(),
							stream, ex.toString());
				}
			}
		}
	}

	private int reclaim(String stream) throws InterruptedException {
		int reclaimed = 0;
		String from = "-";
		while (this.running.getAsBoolean()) {
			List<PendingMessage> page = this.group.idlePending(stream, from, this.pageSize, this.minIdle);
			Map<String, Long> deliveries = new LinkedHashMap<>();
			for (PendingMessage pending : page) {
				if (!this.held.holds(stream, pending.getIdAsString())) {
					deliveries.put(pending.getIdAsString(), pending.getTotalDeliveryCount());
				}
			}
			if (!deliveries.isEmpty()) {
				Map<String, EntryFields> claimed = this.group.claim(stream, this.minIdle,
						new ArrayList<>(deliveries.keySet()));
				for (Map.Entry<String, EntryFields> entry : claimed.entrySet()) {
					// XCLAIM counted one more delivery.
					Delivery delivery = new Delivery(stream, entry.getKey(), deliveries.get(entry.getKey()) + 1,
							entry.getValue());
					this.held.hold(delivery);
					if (!this.requeue.put(delivery)) {
						this.held.release(delivery);
						return reclaimed;
					}
					reclaimed++;
				}
			}
			if (page.size() < this.pageSize) {
				break;
			}
			from = next(page.get(page.size() - 1).getIdAsString());
		}
		return reclaimed;
	}

	/** The smallest entry id after {@code id}: an inclusive range start that excludes {@code id}. */
	static String next(String id) {
		int dash = id.indexOf('-');
		if (dash < 0) {
			return id + "-1";
		}
		return id.substring(0, dash) + "-" + (Long.parseUnsignedLong(id.substring(dash + 1)) + 1);
	}

}
