package io.github.redisstreamclient.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entries this consumer holds in memory: queued, being handled or waiting for a retry. Such an entry looks idle to
 * Redis, so the reclaimer must skip it, or it would queue the entry a second time.
 */
final class HeldEntries {

	private final Set<String> keys = ConcurrentHashMap.newKeySet();

	void hold(Delivery delivery) {
		this.keys.add(delivery.key());
	}

	void release(Delivery delivery) {
		this.keys.remove(delivery.key());
	}

	boolean holds(String stream, String entryId) {
		return this.keys.contains(Delivery.key(stream, entryId));
	}

	int size() {
		return this.keys.size();
	}

}
