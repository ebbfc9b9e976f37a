package io.github.redisstreamclient.spring;

import java.util.Objects;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;

/**
 * This consumer lost its lease on a stream (it stalled past the lease TTL and another consumer claimed it): stop
 * processing the stream.
 */
public class StreamDisownedEvent extends StreamEvent {

	StreamDisownedEvent(RecoverableStreamClient client, StreamNotification notification) {
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

	/** The fencing token of the lost lease. */
	public long fencingToken() {
		return notification().fencingToken();
	}

	/** Why the lease was lost. */
	public String reason() {
		return Objects.requireNonNullElse(notification().reason(), "");
	}

}
