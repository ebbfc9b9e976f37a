package io.github.redisstreamclient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Handle of one data stream this consumer owns, and the reader of that data stream.
 * <p>
 * {@link #read} reads the data stream itself (XREAD, no consumer group) starting after the checkpoint kept in Redis;
 * {@link #commit} moves the checkpoint, and only while this consumer still owns the stream. A consumer that takes
 * the stream over after a crash reads on from the last committed entry: committed work is never done twice, and
 * nothing after it is skipped.
 */
public interface OwnedStream {

	/** Name of the data stream. */
	String name();

	/** The stream and its LBS entry. */
	StreamRef ref();

	/** The producer's {@code Info} map from the LBS entry. */
	Map<String, Object> info();

	/** Fencing token of this ownership: it grows with every acquisition or takeover of any stream of the service. */
	long fencingToken();

	/** When this consumer took the stream. */
	Instant heldSince();

	/** Whether this consumer still owns the stream: {@code false} once done, released or disowned. */
	boolean isOwned();

	/**
	 * Reads the next entries of the data stream: after the last entry this handle returned, or the first time after
	 * the checkpoint (from the start when there is none).
	 * @param count most entries to return
	 * @param block how long to wait when there is nothing new; {@code Duration.ZERO} to return at once
	 * @return the entries, oldest first; empty when none arrived in time
	 */
	List<StreamEntry> read(int count, Duration block);

	/**
	 * Records that everything up to {@code entryId} is processed. The checkpoint moves only forward, and only while
	 * this consumer owns the stream (the owner hash holds its fencing token).
	 * @throws StreamNotOwnedException when another consumer took the stream over
	 */
	void commit(String entryId);

	/** The last committed entry id of the data stream, if any. */
	Optional<String> checkpoint();

	/**
	 * Completes when this consumer stops owning the stream without finishing it: it was taken over
	 * ({@code STREAM_DISOWNED}) or handed off on {@code close()}. Stop processing then.
	 */
	CompletableFuture<Void> cancellation();

	/**
	 * Gives this one stream back to the other consumers without finishing it: its owner becomes
	 * {@code released:<token>} and the release is announced, so that another consumer claims it at once and resumes
	 * from the checkpoint. Does not count towards {@code maxTakeovers}. {@link #cancellation()} completes. When no
	 * other consumer takes it within a short pause, any consumer may take it, this one included.
	 * @throws StreamNotOwnedException when this consumer no longer owns the stream
	 */
	void release();

	/**
	 * Finish the stream: forget its owner, acknowledge and delete its LBS entry, forget its checkpoint. Safe to call
	 * again, for example after it threw because Redis did not answer in time: when the first call ran after all,
	 * the retry returns normally instead of claiming the stream was lost, and so does a call on a stream already done.
	 * @throws StreamNotOwnedException when another consumer took the stream over before it was finished
	 */
	void done();

}
