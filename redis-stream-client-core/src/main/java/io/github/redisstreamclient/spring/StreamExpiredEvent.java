package io.github.redisstreamclient.spring;

import java.util.Objects;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;

/**
 * Another consumer's lease expired: it died or stalled. Only raised without auto-claim; call {@link #claim()} to
 * take the stream over.
 */
public class StreamExpiredEvent extends StreamEvent {

	StreamExpiredEvent(RecoverableStreamClient client, StreamNotification notification) {
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

	/**
	 * Tries to take the stream over; consumers race for it and exactly one wins.
	 * @return {@code true} when this consumer now owns the stream
	 */
	public boolean claim() {
		return client().claim(stream());
	}

}
