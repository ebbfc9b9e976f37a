package io.github.redisstreamclient.spring;

import java.util.Objects;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;

/**
 * The client stopped: closed, or its LBS subscription ran out of retries.
 */
public class StreamTerminatedEvent extends StreamEvent {

	StreamTerminatedEvent(RecoverableStreamClient client, StreamNotification notification) {
		super(client, notification);
	}

	/** Why: {@code closed}, or the Redis error that used up the retries. */
	public String reason() {
		return Objects.requireNonNullElse(notification().reason(), "");
	}

}
