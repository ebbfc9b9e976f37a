package io.github.redisstreamclient.events;

import io.github.redisstreamclient.core.internal.EntryFields;

/**
 * One delivery of a stream entry to this consumer: a unit of work between the reader (or the reclaimer, or the
 * retry scheduler) and the workers.
 *
 * @param stream the stream the entry is in
 * @param entryId the entry id
 * @param deliveryCount Redis's delivery count for this entry, this delivery included
 * @param fields the entry's fields, as bytes: a dead letter keeps them exactly
 */
record Delivery(String stream, String entryId, long deliveryCount, EntryFields fields) {

	/** Identifies the entry across deliveries. */
	String key() {
		return key(this.stream, this.entryId);
	}

	static String key(String stream, String entryId) {
		return stream + " " + entryId;
	}

	Delivery redelivered(long newDeliveryCount, EntryFields newFields) {
		return new Delivery(this.stream, this.entryId, newDeliveryCount, newFields);
	}

}
