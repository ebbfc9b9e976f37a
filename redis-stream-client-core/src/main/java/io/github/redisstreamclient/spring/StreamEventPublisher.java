package io.github.redisstreamclient.spring;

import java.util.function.Supplier;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.core.StreamNotificationListener;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns a client's notifications into {@link StreamEvent}s and publishes them on a {@link SerialStreamExecutor}, so
 * that the {@link StreamAdded @StreamAdded}, ... handlers run off the client's notification thread, in order per
 * stream. Give it to the client as its {@link StreamNotificationListener}.
 */
public final class StreamEventPublisher implements StreamNotificationListener {

	private final ApplicationEventPublisher publisher;

	private final SerialStreamExecutor executor;

	private final Supplier<RecoverableStreamClient> client;

	/**
	 * @param publisher where to publish, usually the application context
	 * @param executor where the handlers run
	 * @param client the client the events are about, looked up lazily because it is built with this listener
	 */
	public StreamEventPublisher(ApplicationEventPublisher publisher, SerialStreamExecutor executor,
			Supplier<RecoverableStreamClient> client) {
		this.publisher = publisher;
		this.executor = executor;
		this.client = client;
	}

	@Override
	public void onNotification(StreamNotification notification) {
		StreamEvent event = StreamEvent.of(this.client.get(), notification);
		String key = (notification.streamName() != null) ? notification.streamName() : "";
		this.executor.execute(key, () -> this.publisher.publishEvent(event));
	}

}
