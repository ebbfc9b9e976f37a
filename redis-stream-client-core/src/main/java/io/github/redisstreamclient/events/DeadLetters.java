package io.github.redisstreamclient.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.EntryFields;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The dead-letter stream {@code <prefix>:dlq}: lists the events that failed and puts them back on their stream once
 * the cause is fixed.
 * <p>
 * A replay adds the original {@code event} field to the original stream as a new entry (new entry id, delivery
 * count starting again at 1, same {@link Event#id()}) and then deletes the dead letter. Two commands rather than a
 * transaction, because the two streams may live on different cluster nodes: if the second fails, or two replays of
 * one dead letter race, the event is delivered twice, never lost. The {@code event} field is put back byte for byte,
 * even when {@link DeadLetter#event()} cannot show it exactly.
 */
public final class DeadLetters {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetters.class);

	private final StringRedisTemplate redis;

	private final EventStreams streams;

	private DeadLetters(StringRedisTemplate redis, EventStreams streams) {
		this.redis = redis;
		this.streams = streams;
	}

	/**
	 * The dead letters of the streams under {@code prefix}.
	 * @param connectionFactory how to reach Redis
	 * @param prefix stream name prefix of the publishers and consumers
	 */
	public static DeadLetters of(RedisConnectionFactory connectionFactory, String prefix) {
		Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		return new DeadLetters(new StringRedisTemplate(connectionFactory), new EventStreams(prefix));
	}

	/** The dead-letter stream: {@code <prefix>:dlq}. */
	public String streamName() {
		return this.streams.deadLetter();
	}

	/** How many dead letters there are now ({@code XLEN}; 0 when the stream does not exist). */
	public long count() {
		try {
			Long length = this.redis.opsForStream().size(this.streams.deadLetter());
			return (length != null) ? length : 0;
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "XLEN of '" + this.streams.deadLetter() + "'");
		}
	}

	/** Up to {@code count} dead letters, oldest first. */
	public List<DeadLetter> list(int count) {
		if (count < 1) {
			throw new IllegalArgumentException("count must be at least 1, but was " + count);
		}
		List<MapRecord<String, Object, Object>> records;
		try {
			records = this.redis.opsForStream()
				.range(this.streams.deadLetter(), Range.unbounded(), Limit.limit().count(count));
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "XRANGE of '" + this.streams.deadLetter() + "'");
		}
		List<DeadLetter> letters = new ArrayList<>();
		if (records != null) {
			for (MapRecord<String, Object, Object> record : records) {
				letters.add(toDeadLetter(record.getId().getValue(), GroupCommands.fields(record.getValue())));
			}
		}
		return letters;
	}

	/**
	 * Replays up to {@code count} dead letters, oldest first.
	 * @return how many were put back on their stream
	 */
	public int replay(int count) {
		int replayed = 0;
		for (DeadLetter letter : list(count)) {
			if (replay(letter)) {
				replayed++;
			}
		}
		return replayed;
	}

	/**
	 * Replays one dead letter.
	 * @return {@code false} when there is no dead letter with this id (already replayed or deleted)
	 */
	public boolean replay(String deadLetterId) {
		Objects.requireNonNull(deadLetterId, "deadLetterId must not be null");
		List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
			.range(this.streams.deadLetter(), Range.closed(deadLetterId, deadLetterId));
		if (records == null || records.isEmpty()) {
			return false;
		}
		return replay(toDeadLetter(deadLetterId, GroupCommands.fields(records.get(0).getValue())));
	}

	private boolean replay(DeadLetter letter) {
		if (letter.originalStream().isEmpty()) {
			logger.warn("Dead letter {} names no original stream; left in {}", letter.id(), this.streams.deadLetter());
			return false;
		}
		try {
			byte[] event = exactEvent(letter.id());
			if (event == null) {
				// Replayed or deleted since it was listed.
				return false;
			}
			Map<byte[], byte[]> fields = Map.of(EventCodec.EVENT_FIELD.getBytes(StandardCharsets.UTF_8), event);
			MapRecord<byte[], byte[], byte[]> entry = StreamRecords.newRecord()
				.in(letter.originalStream().getBytes(StandardCharsets.UTF_8))
				.ofMap(fields);
			this.redis.execute((RedisCallback<RecordId>) (connection) -> connection.streamCommands().xAdd(entry));
			this.redis.opsForStream().delete(this.streams.deadLetter(), letter.id());
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "replaying dead letter " + letter.id() + " (XADD to '"
					+ letter.originalStream() + "', XDEL from '" + this.streams.deadLetter() + "')");
		}
		return true;
	}

	/**
	 * The {@code event} field of a dead letter as its bytes, which {@link DeadLetter#event()} may not hold exactly
	 * (an event that was dead-lettered for not being UTF-8): empty when it had none, {@code null} when the dead
	 * letter is gone.
	 */
	private byte @Nullable [] exactEvent(String deadLetterId) {
		byte[] key = this.streams.deadLetter().getBytes(StandardCharsets.UTF_8);
		List<ByteRecord> records = this.redis.execute((RedisCallback<List<ByteRecord>>) (connection) -> connection
			.streamCommands()
			.xRange(key, Range.closed(deadLetterId, deadLetterId)));
		if (records == null || records.isEmpty()) {
			return null;
		}
		byte[] event = EntryFields.of(records.get(0).getValue()).value(EventCodec.EVENT_FIELD);
		return (event != null) ? event : new byte[0];
	}

	private static DeadLetter toDeadLetter(String id, Map<String, String> fields) {
		long deliveryCount;
		try {
			deliveryCount = Long.parseLong(fields.getOrDefault(DeadLetterWriter.DELIVERY_COUNT, "0"));
		}
		catch (NumberFormatException ex) {
			deliveryCount = 0;
		}
		return new DeadLetter(id, fields.getOrDefault(DeadLetterWriter.EVENT, ""),
				fields.getOrDefault(DeadLetterWriter.ERROR, ""), fields.getOrDefault(DeadLetterWriter.ORIGINAL_TYPE, ""),
				fields.getOrDefault(DeadLetterWriter.ORIGINAL_STREAM, ""),
				fields.getOrDefault(DeadLetterWriter.ORIGINAL_ID, ""), deliveryCount);
	}

}
