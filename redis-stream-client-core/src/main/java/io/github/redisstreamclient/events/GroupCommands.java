package io.github.redisstreamclient.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.redisstreamclient.core.internal.EntryFields;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisStreamCommands.XClaimOptions;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The consumer-group calls of one consumer, other than reading: acknowledge, claim, list idle pending entries.
 */
final class GroupCommands {

	private final StringRedisTemplate redis;

	private final String group;

	private final String consumerName;

	GroupCommands(StringRedisTemplate redis, String group, String consumerName) {
		this.redis = redis;
		this.group = group;
		this.consumerName = consumerName;
	}

	String group() {
		return this.group;
	}

	String consumerName() {
		return this.consumerName;
	}

	void ack(String stream, String entryId) {
		this.redis.opsForStream().acknowledge(stream, this.group, entryId);
	}

	/**
	 * XCLAIM to this consumer, which adds one to each entry's delivery count. Only entries idle for at least
	 * {@code minIdle} are taken, so a consumer that claimed one meanwhile keeps it.
	 * @return the fields of each claimed entry by id; entries deleted from the stream are missing
	 */
	Map<String, EntryFields> claim(String stream, Duration minIdle, List<String> entryIds) {
		byte[] key = stream.getBytes(StandardCharsets.UTF_8);
		XClaimOptions options = XClaimOptions.minIdle(minIdle).ids(entryIds.toArray(String[]::new));
		// As bytes, like the reader's entries: a dead letter keeps an entry exactly, even one that is not UTF-8.
		List<ByteRecord> records = this.redis.execute((RedisCallback<List<ByteRecord>>) (connection) -> connection
			.streamCommands()
			.xClaim(key, this.group, this.consumerName, options));
		Map<String, EntryFields> claimed = new LinkedHashMap<>();
		for (ByteRecord record : (records != null) ? records : List.<ByteRecord>of()) {
			claimed.put(record.getId().getValue(), EntryFields.of(record.getValue()));
		}
		return claimed;
	}

	/** Pending entries of the whole group idle for at least {@code minIdle}, from {@code fromId} on, oldest first. */
	List<PendingMessage> idlePending(String stream, String fromId, int count, Duration minIdle) {
		Range<String> range = Range.rightUnbounded(Range.Bound.inclusive(fromId));
		PendingMessages pending = this.redis.opsForStream().pending(stream, this.group, range, count, minIdle);
		return pending.stream().toList();
	}

	/**
	 * Removes this consumer from the group when nothing is pending for it, so that consumers named per instance do
	 * not pile up in the group. With entries pending it stays: removing it would drop them from the group's
	 * pending list, and nobody could reclaim them.
	 */
	void removeConsumerIfIdle(String stream) {
		Consumer consumer = Consumer.from(this.group, this.consumerName);
		// One is enough to know; pending(stream, consumer) asks with count -1, which Spring Data Redis 4.1 rejects.
		if (this.redis.opsForStream().pending(stream, consumer, Range.unbounded(), 1).isEmpty()) {
			this.redis.opsForStream().deleteConsumer(stream, consumer);
		}
	}

	static Map<String, String> fields(Map<?, ?> raw) {
		Map<String, String> fields = new LinkedHashMap<>();
		raw.forEach((field, value) -> fields.put(String.valueOf(field), String.valueOf(value)));
		return fields;
	}

}
