package io.github.redisstreamclient.spring;

import java.util.Objects;
import java.util.Optional;

import io.github.redisstreamclient.core.OwnedStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotOwnedException;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;

/**
 * This consumer now owns a stream: assigned from the Load Balancer Stream, or claimed from a consumer that died
 * ({@link #claimed()}). Process it, then call {@link #done()}.
 */
public class StreamAddedEvent extends StreamEvent {

	StreamAddedEvent(RecoverableStreamClient client, StreamNotification notification) {
		super(client, notification);
	}

	@Override
	public String streamName() {
		return Objects.requireNonNull(super.streamName());
	}

	@Override
	public StreamRef stream() {
		return Objects.requireNonNull(super.stream());
	}

	/** Whether the stream was taken over from another consumer rather than read fresh from the LBS. */
	public boolean claimed() {
		return notification().claimed();
	}

	/** Fencing token of this consumer's lease. */
	public long fencingToken() {
		return notification().fencingToken();
	}

	/** The handle of the stream, while this consumer still owns it. */
	public Optional<OwnedStream> ownedStream() {
		return client().ownedStream(stream());
	}

	/**
	 * Finishes the stream: releases the lease, acknowledges and deletes its LBS entry.
	 * @throws StreamNotOwnedException when the lease was lost meanwhile
	 */
	public void done() {
		client().done(stream());
	}

}
