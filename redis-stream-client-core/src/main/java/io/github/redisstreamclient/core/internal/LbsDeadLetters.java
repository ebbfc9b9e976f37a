package io.github.redisstreamclient.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Moves LBS entries to {@code <service>-input:dlq}: malformed entries, and poison streams (taken over from dead
 * consumers more than {@code maxTakeovers} times). The entry is copied byte for byte (it may not be UTF-8 or may
 * repeat a field) with the reason, the entry id and this consumer appended.
 */
final class LbsDeadLetters {

	private static final Logger logger = LoggerFactory.getLogger(LbsDeadLetters.class);

	/** How a malformed entry is named in the log. */
	public static final String MALFORMED = "Malformed LBS entry";

	/** How a poison stream's entry is named in the log. */
	public static final String POISON = "Poison stream";

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private final String consumerId;

	private final ClientMetrics metrics;

	public LbsDeadLetters(StringRedisTemplate redis, ServiceKeys keys, String consumerId, ClientMetrics metrics) {
		this.redis = redis;
		this.keys = keys;
		this.consumerId = consumerId;
		this.metrics = metrics;
	}

	/**
	 * Copies the entry to the dead-letter stream with {@code reason}; the caller then removes it from the LBS.
	 * @param kind what the entry is, for the log: {@code Malformed LBS entry} or {@code Poison stream}
	 */
	public void add(String kind, String entryId, EntryFields fields, String reason) {
		Map<String, String> about = new LinkedHashMap<>();
		about.put("reason", reason);
		about.put("lbs-entry-id", entryId);
		about.put("consumer", this.consumerId);
		this.redis.execute((RedisCallback<RecordId>) (connection) -> connection.streamCommands()
			.xAdd(fields.toRecord(this.keys.deadLetter(), about)));
		this.metrics.deadLettered();
		logger.warn("{} {} moved to {}: {}", kind, entryId, this.keys.deadLetter(), reason);
	}

	/** Dead-letters a malformed entry just read from the LBS (owned by nobody yet), acknowledges and deletes it. */
	public void dropMalformed(String entryId, EntryFields fields, String reason) {
		add(MALFORMED, entryId, fields, reason);
		this.redis.opsForStream().acknowledge(this.keys.lbs(), this.keys.group(), entryId);
		this.redis.opsForStream().delete(this.keys.lbs(), entryId);
	}

}
