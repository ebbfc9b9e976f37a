package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.github.redisstreamclient.core.internal.AclDenials;
import io.github.redisstreamclient.core.internal.LbsMessages;
import io.github.redisstreamclient.core.internal.ServiceKeys;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.cluster.PartitionSelectorException;

import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The producer side: puts the names of data streams on a service's Load Balancer Stream, in the Go client's format
 * ({@code XADD <service>-input * lbs-input {"DataStreamName": ..., "Info": ...}}), so Go and Java producers and
 * consumers mix freely.
 * <p>
 * Like Kafka's producer, {@link #add} retries what certainly never reached Redis: while a Redis Cluster failover is
 * promoting a replica, Lettuce (with the node filter of README.md, "Redis Cluster") knows no master for the LBS's
 * slot and refuses the command before sending it. Those tries repeat every 50 ms for up to {@link #UNSENT_RETRY}, so
 * the producer waits about as long as the promotion. A command that was sent and got no answer is never repeated: the
 * entry might be there already, and a second one would hand the stream to two consumers.
 */
public final class LoadBalancerStream {

	/** How long {@link #add} retries a command that never left the client: 20 s, a failover with Redis's defaults. */
	public static final Duration UNSENT_RETRY = Duration.ofSeconds(20);

	private static final RetryTemplate RETRY_UNSENT = new RetryTemplate(RetryPolicy.builder()
		.predicate(LoadBalancerStream::neverSent)
		.maxRetries(Long.MAX_VALUE)
		.delay(Duration.ofMillis(50))
		.timeout(UNSENT_RETRY)
		.build());

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
			id = RETRY_UNSENT.invoke(() -> this.redis.opsForStream()
				.add(StreamRecords.string(Map.of(LbsMessages.FIELD, json)).withStreamKey(this.keys.lbs())));
		}
		catch (RuntimeException ex) {
			throw AclDenials.translate(ex, "XADD to '" + this.keys.lbs() + "'");
		}
		return Objects.requireNonNull(id, "XADD returned no id").getValue();
	}

	/**
	 * Whether Lettuce refused {@code error}'s command before sending it: no node serves the slot (a failover in
	 * progress), the node is not in the cluster view, or no connection could be made.
	 */
	static boolean neverSent(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof PartitionSelectorException || cause instanceof RedisConnectionException) {
				return true;
			}
			String message = String.valueOf(cause.getMessage());
			if (message.contains("Commands are rejected") || message.contains("is not known in the cluster view")) {
				return true;
			}
		}
		return false;
	}

	/** Name of the LBS key, {@code <service>-input}. */
	public String key() {
		return this.keys.lbs();
	}

}
