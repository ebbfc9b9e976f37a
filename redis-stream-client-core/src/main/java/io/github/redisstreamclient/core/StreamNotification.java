package io.github.redisstreamclient.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link RecoverableStreamClient} tells its {@link StreamNotificationListener}: a stream was assigned or claimed,
 * another consumer's lease expired, this consumer lost a lease, or the client stopped.
 *
 * @param type what happened
 * @param stream the stream it happened to; {@code null} for {@link Type#STREAM_TERMINATED}
 * @param info the producer's {@code Info} map from the LBS entry (empty where unknown)
 * @param fencingToken the fencing token of the lease this consumer now holds (or held, for
 * {@link Type#STREAM_DISOWNED}); {@code 0} where no lease is involved
 * @param claimed whether a {@link Type#STREAM_ADDED} stream was taken over from another consumer rather than read fresh
 * from the LBS
 * @param reason why, for {@link Type#STREAM_DISOWNED} and {@link Type#STREAM_TERMINATED}; {@code null} otherwise
 */
public record StreamNotification(Type type, @Nullable StreamRef stream, Map<String, Object> info, long fencingToken,
		boolean claimed, @Nullable String reason) {

	public StreamNotification {
		Objects.requireNonNull(type, "type must not be null");
		// Not Map.copyOf: a producer's Info may hold JSON nulls, as Go's map[string]interface{} does.
		info = (info != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(info)) : Map.of();
	}

	/** A stream this consumer now owns, read from the LBS or, when {@code claimed}, taken over. */
	public static StreamNotification added(StreamRef stream, Map<String, Object> info, long fencingToken,
			boolean claimed) {
		return new StreamNotification(Type.STREAM_ADDED, stream, info, fencingToken, claimed, null);
	}

	/** Another consumer's lease on {@code stream} expired: call {@link RecoverableStreamClient#claim} to take it. */
	public static StreamNotification expired(StreamRef stream, Map<String, Object> info) {
		return new StreamNotification(Type.STREAM_EXPIRED, stream, info, 0, false, null);
	}

	/** This consumer lost its lease on {@code stream}: stop processing it. */
	public static StreamNotification disowned(StreamRef stream, Map<String, Object> info, long fencingToken,
			String reason) {
		return new StreamNotification(Type.STREAM_DISOWNED, stream, info, fencingToken, false, reason);
	}

	/** The client stopped: closed, or its LBS subscription ran out of retries. */
	public static StreamNotification terminated(String reason) {
		return new StreamNotification(Type.STREAM_TERMINATED, null, Map.of(), 0, false, reason);
	}

	/** Name of the data stream, or {@code null} for {@link Type#STREAM_TERMINATED}. */
	public @Nullable String streamName() {
		return (stream != null) ? stream.dataStreamName() : null;
	}

	/** Kinds of notification, named as in the Go client. */
	public enum Type {

		/** A stream was assigned to this consumer from the LBS, or claimed by it. */
		STREAM_ADDED,

		/** Another consumer's lease expired; the stream can be claimed. */
		STREAM_EXPIRED,

		/** This consumer's lease was lost (it stalled past the lease TTL and another consumer took the stream). */
		STREAM_DISOWNED,

		/** The client stopped delivering notifications. */
		STREAM_TERMINATED

	}

}
