package io.github.redisstreamclient.events;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.RedisCallback;
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

	/**
	 * Writes the entry's own fields byte for byte (its {@code event} among them, when it has one), then why and
	 * where from. An entry may not be UTF-8, repeat a field or carry fields besides {@code event}: none of it is
	 * lost. A field of the entry named like one appended here is kept too, before ours.
	 */
	void deadLetter(Delivery delivery, String error) {
		Map<String, String> about = new LinkedHashMap<>();
		about.put(ERROR, error);
		about.put(ORIGINAL_TYPE, this.streams.typeOf(delivery.stream()));
		about.put(ORIGINAL_STREAM, delivery.stream());
		about.put(ORIGINAL_ID, delivery.entryId());
		about.put(DELIVERY_COUNT, Long.toString(delivery.deliveryCount()));
		MapRecord<byte[], byte[], byte[]> letter = delivery.fields().toRecord(this.streams.deadLetter(), about);
		this.redis.execute((RedisCallback<RecordId>) (connection) -> connection.streamCommands().xAdd(letter));
		this.group.ack(delivery.stream(), delivery.entryId());
	}

}
