package io.github.redisstreamclient.core;

import java.util.Map;
import java.util.Objects;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.LbsMessages;
import io.github.redisstreamclient.core.internal.ServiceKeys;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The producer side: puts the names of data streams on a service's Load Balancer Stream, in the Go client's format
 * ({@code XADD <service>-input * lbs-input {"DataStreamName": ..., "Info": ...}}), so Go and Java producers and
 * consumers mix freely.
 */
public final class LoadBalancerStream {

	private final StringRedisTemplate redis;

	private final ServiceKeys keys;

	private LoadBalancerStream(StringRedisTemplate redis, ServiceKeys keys) {
		this.redis = redis;
		this.keys = keys;
	}

	/** The LBS of {@code serviceName}, written through {@code connectionFactory}. */
	public static LoadBalancerStream of(RedisConnectionFactory connectionFactory, String serviceName) {
		Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		return new LoadBalancerStream(new StringRedisTemplate(connectionFactory), new ServiceKeys(serviceName));
	}

	/** Adds a data stream with no info; returns the LBS entry id. */
	public String add(String dataStreamName) {
		return add(dataStreamName, Map.of());
	}

	/**
	 * Adds a data stream for a consumer to take.
	 * @param dataStreamName name of the data stream
	 * @param info producer metadata, echoed to the consumer as {@link StreamNotification#info()}
	 * @return the id of the new LBS entry
	 * @throws org.springframework.dao.PermissionDeniedDataAccessException when the Redis user may not add to the LBS;
	 * the message says what to grant
	 */
	public String add(String dataStreamName, Map<String, ?> info) {
		if (dataStreamName == null || dataStreamName.isEmpty()) {
			throw new IllegalArgumentException("dataStreamName must not be empty");
		}
		String json = LbsMessages.format(dataStreamName, (info != null) ? info : Map.of());
		RecordId id;
		try {
			id = this.redis.opsForStream()
				.add(StreamRecords.string(Map.of(LbsMessages.FIELD, json)).withStreamKey(this.keys.lbs()));
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "XADD to '" + this.keys.lbs() + "'");
		}
		return Objects.requireNonNull(id, "XADD returned no id").getValue();
	}

	/** Name of the LBS key, {@code <service>-input}. */
	public String key() {
		return this.keys.lbs();
	}

}
