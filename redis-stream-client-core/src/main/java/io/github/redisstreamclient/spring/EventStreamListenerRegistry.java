package io.github.redisstreamclient.spring;

import java.util.ArrayList;
import java.util.List;

import io.github.redisstreamclient.events.EventStreamConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Creates one {@link EventStreamConsumer} per {@link EventStreamListener @EventStreamListener} method when the
 * application context starts, and closes them, letting in-flight handlers finish, when it stops.
 */
public class EventStreamListenerRegistry implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(EventStreamListenerRegistry.class);

	private final EventStreamListenerAnnotationBeanPostProcessor endpoints;

	private final ConsumerFactory consumerFactory;

	private final List<EventStreamConsumer> consumers = new ArrayList<>();

	private volatile boolean running;

	public EventStreamListenerRegistry(EventStreamListenerAnnotationBeanPostProcessor endpoints,
			ConsumerFactory consumerFactory) {
		this.endpoints = endpoints;
		this.consumerFactory = consumerFactory;
	}

	@Override
	public synchronized void start() {
		for (EventStreamListenerAnnotationBeanPostProcessor.Endpoint endpoint : this.endpoints.endpoints()) {
			EventStreamConsumer consumer = this.consumerFactory.create(endpoint);
			consumer.start();
			this.consumers.add(consumer);
			logger.info("{} consumes {} as {}", endpoint.description(), endpoint.eventTypes(),
					consumer.consumerName());
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		for (EventStreamConsumer consumer : this.consumers) {
			consumer.close();
		}
		this.consumers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

	/** The running consumers, one per annotated method. */
	public synchronized List<EventStreamConsumer> consumers() {
		return List.copyOf(this.consumers);
	}

	/** Builds the consumer of one annotated method, applying the configured defaults. */
	@FunctionalInterface
	public interface ConsumerFactory {

		EventStreamConsumer create(EventStreamListenerAnnotationBeanPostProcessor.Endpoint endpoint);

	}

}
