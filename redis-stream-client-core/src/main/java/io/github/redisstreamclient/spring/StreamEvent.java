package io.github.redisstreamclient.spring;

import java.util.Map;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamRef;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Base of the events a {@link RecoverableStreamClient} publishes in a Spring application context.
 */
public abstract class StreamEvent extends ApplicationEvent {

	private final transient StreamNotification notification;

	StreamEvent(RecoverableStreamClient client, StreamNotification notification) {
		super(client);
		this.notification = notification;
	}

	/** The client that raised the event. */
	public RecoverableStreamClient client() {
		return (RecoverableStreamClient) getSource();
	}

	/** The core notification behind this event. */
	public StreamNotification notification() {
		return this.notification;
	}

	/** Name of the data stream; {@code null} for {@link StreamTerminatedEvent}. */
	public @Nullable String streamName() {
		return this.notification.streamName();
	}

	/** The stream and its LBS entry; {@code null} for {@link StreamTerminatedEvent}. */
	public @Nullable StreamRef stream() {
		return this.notification.stream();
	}

	/** The producer's {@code Info} map. */
	public Map<String, Object> info() {
		return this.notification.info();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.notification + "]";
	}

	/** The event for a notification. */
	static StreamEvent of(RecoverableStreamClient client, StreamNotification notification) {
		return switch (notification.type()) {
			case STREAM_ADDED -> new StreamAddedEvent(client, notification);
			case STREAM_EXPIRED -> new StreamExpiredEvent(client, notification);
			case STREAM_DISOWNED -> new StreamDisownedEvent(client, notification);
			case STREAM_TERMINATED -> new StreamTerminatedEvent(client, notification);
		};
	}

}
