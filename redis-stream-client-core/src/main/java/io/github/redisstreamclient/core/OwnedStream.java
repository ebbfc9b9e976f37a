package io.github.redisstreamclient.core;

import java.time.Instant;
import java.util.Map;

/**
 * Handle of one data stream this consumer holds a lease on.
 */
public interface OwnedStream {

	/** Name of the data stream. */
	String name();

	/** The stream and the LBS entry the lease is held on. */
	StreamRef ref();

	/** The producer's {@code Info} map from the LBS entry. */
	Map<String, Object> info();

	/** Fencing token of this lease: it grows with every acquisition or takeover of any stream of the service. */
	long fencingToken();

	/** When this consumer acquired the lease. */
	Instant heldSince();

	/** Whether this consumer still holds the lease: {@code false} once done, released or disowned. */
	boolean isOwned();

	/**
	 * Finish the stream: release the lease, acknowledge and delete its LBS entry.
	 * @throws StreamNotOwnedException when the lease was lost or the stream is already done
	 */
	void done();

}
