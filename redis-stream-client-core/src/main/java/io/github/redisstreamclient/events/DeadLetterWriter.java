package io.github.redisstreamclient.events;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Moves an entry to the dead-letter stream: XADD there, then XACK the original.
 * <p>
 * Two commands rather than one transaction, because the two streams may live on different cluster nodes. If the
 * XACK is lost, the entry is delivered again and may be dead-lettered twice: at least once, like everything else.
 * The dead-letter stream is never trimmed, so nothing that failed is lost without someone deciding it.
 */
final class DeadLetterWriter {

	static final String EVENT = EventCodec.EVENT_FIELD;

	static final String ERROR = "error";

	static final String ORIGINAL_TYPE = "original_type";

	static final String ORIGINAL_STREAM = "original_stream";

	static final String ORIGINAL_ID = "original_id";

	static final String DELIVERY_COUNT = "delivery_count";

	private final StringRedisTemplate redis;

	private final EventStreams streams;

	private final GroupCommands group;

	DeadLetterWriter(StringRedisTemplate redis, EventStreams streams, GroupCommands group) {
		this.redis = redis;
		this.streams = streams;
		this.group = group;
	}

	void deadLetter(Delivery delivery, String error) {
		String event = delivery.eventJson();
		Map<String, String> letter = new LinkedHashMap<>();
		letter.put(EVENT, (event != null) ? event : "");
		letter.put(ERROR, error);
		letter.put(ORIGINAL_TYPE, this.streams.typeOf(delivery.stream()));
		letter.put(ORIGINAL_STREAM, delivery.stream());
		letter.put(ORIGINAL_ID, delivery.entryId());
		letter.put(DELIVERY_COUNT, Long.toString(delivery.deliveryCount()));
		this.redis.opsForStream().add(StreamRecords.string(letter).withStreamKey(this.streams.deadLetter()));
		this.group.ack(delivery.stream(), delivery.entryId());
	}

}
