package io.github.redisstreamclient.events;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One delivery of a stream entry to this consumer: a unit of work between the reader (or the reclaimer, or the
 * retry scheduler) and the workers.
 *
 * @param stream the stream the entry is in
 * @param entryId the entry id
 * @param deliveryCount Redis's delivery count for this entry, this delivery included
 * @param fields the entry's fields
 */
record Delivery(String stream, String entryId, long deliveryCount, Map<String, String> fields) {

	@Nullable String eventJson() {
		return this.fields.get(EventCodec.EVENT_FIELD);
	}

	/** Identifies the entry across deliveries. */
	String key() {
		return key(this.stream, this.entryId);
	}

	static String key(String stream, String entryId) {
		return stream + " " + entryId;
	}

	Delivery redelivered(long newDeliveryCount, Map<String, String> newFields) {
		return new Delivery(this.stream, this.entryId, newDeliveryCount, newFields);
	}

}
