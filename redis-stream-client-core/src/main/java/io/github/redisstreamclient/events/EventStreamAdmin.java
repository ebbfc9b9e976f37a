package io.github.redisstreamclient.events;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.GroupReader;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Sets up event streams and consumer groups ahead of time, for example at deployment. Consumers create their
 * groups themselves on start; both operations are idempotent.
 */
public final class EventStreamAdmin {

	private final StringRedisTemplate redis;

	private final EventStreams streams;

	private EventStreamAdmin(StringRedisTemplate redis, EventStreams streams) {
		this.redis = redis;
		this.streams = streams;
	}

	/**
	 * An admin for the streams under {@code prefix}.
	 * @param connectionFactory how to reach Redis
	 * @param prefix stream name prefix, {@code events} by default elsewhere
	 */
	public static EventStreamAdmin of(RedisConnectionFactory connectionFactory, String prefix) {
		Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		return new EventStreamAdmin(new StringRedisTemplate(connectionFactory), new EventStreams(prefix));
	}

	/** The stream of an event type: {@code <prefix>:<eventType>}. */
	public String streamName(String eventType) {
		return this.streams.stream(eventType);
	}

	/** The dead-letter stream: {@code <prefix>:dlq}. */
	public String deadLetterStream() {
		return this.streams.deadLetter();
	}

	/**
	 * Creates the (empty) stream of an event type unless it exists. Redis has no command for an empty stream, so
	 * this creates a throwaway consumer group with {@code MKSTREAM} and destroys it in the same transaction:
	 * unlike adding and deleting an entry, it leaves the stream's last id and entry count alone, wakes no reader
	 * and leaves nothing behind if the caller dies half way.
	 */
	public void createStream(String eventType) {
		byte[] stream = streamName(eventType).getBytes(StandardCharsets.UTF_8);
		String throwaway = "rsc-create-" + UUID.randomUUID();
		List<Object> results = this.redis.execute((RedisCallback<List<Object>>) (connection) -> {
			connection.multi();
			connection.streamCommands().xGroupCreate(stream, throwaway, ReadOffset.latest(), true);
			connection.streamCommands().xGroupDestroy(stream, throwaway);
			return connection.exec();
		});
		if (results == null || results.size() != 2) {
			throw new IllegalStateException("Creating stream '" + streamName(eventType) + "' failed: " + results);
		}
	}

	/**
	 * Creates a consumer group on the stream of an event type, creating the stream too if needed; does nothing
	 * when the group exists. A new group starts at the beginning of the stream ({@code 0}), so it also sees the
	 * events published before it existed that are still in the stream.
	 */
	public void createGroup(String eventType, String group) {
		if (group == null || group.isBlank()) {
			throw new IllegalArgumentException("group must not be empty");
		}
		String stream = streamName(eventType);
		try {
			this.redis.opsForStream().createGroup(stream, ReadOffset.from("0"), group);
		}
		catch (RuntimeException ex) {
			if (!GroupReader.causedBy(ex, "BUSYGROUP")) {
				throw AclDenials.translate(ex, "XGROUP CREATE of group '" + group + "' on '" + stream + "'");
			}
		}
	}

}
