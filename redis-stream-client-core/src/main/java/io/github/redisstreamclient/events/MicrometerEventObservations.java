package io.github.redisstreamclient.events;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.redisstreamclient.observation.DefaultEventProcessObservationConvention;
import io.github.redisstreamclient.observation.DefaultEventPublishObservationConvention;
import io.github.redisstreamclient.observation.EventProcessContext;
import io.github.redisstreamclient.observation.EventProcessObservationConvention;
import io.github.redisstreamclient.observation.EventPublishContext;
import io.github.redisstreamclient.observation.EventPublishObservationConvention;
import io.github.redisstreamclient.observation.EventStreamObservation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * {@link EventObservations} on a Micrometer {@link ObservationRegistry}. Only loaded when a registry was given:
 * the options hold it as an {@code Object}.
 */
final class MicrometerEventObservations implements EventObservations {

	private final ObservationRegistry registry;

	private final @Nullable EventPublishObservationConvention publishConvention;

	private final @Nullable EventProcessObservationConvention processConvention;

	private final String group;

	private final String consumerName;

	private MicrometerEventObservations(ObservationRegistry registry,
			@Nullable EventPublishObservationConvention publishConvention,
			@Nullable EventProcessObservationConvention processConvention, String group, String consumerName) {
		this.registry = registry;
		this.publishConvention = publishConvention;
		this.processConvention = processConvention;
		this.group = group;
		this.consumerName = consumerName;
	}

	static EventObservations forPublisher(Object registry, @Nullable Object convention) {
		if (registry == ObservationRegistry.NOOP) {
			return EventObservations.NOOP;
		}
		return new MicrometerEventObservations((ObservationRegistry) registry,
				(EventPublishObservationConvention) convention, null, "", "");
	}

	static EventObservations forConsumer(Object registry, @Nullable Object convention, String group,
			String consumerName) {
		if (registry == ObservationRegistry.NOOP) {
			return EventObservations.NOOP;
		}
		return new MicrometerEventObservations((ObservationRegistry) registry, null,
				(EventProcessObservationConvention) convention, group, consumerName);
	}

	@Override
	public String publish(String eventType, String stream, Map<String, String> metadata, Publish publish) {
		if (this.registry.isNoop()) {
			return publish.publish(metadata).entryId();
		}
		// The caller's map may be immutable, and is not ours to change: the tracer writes into a copy.
		Map<String, String> carried = new LinkedHashMap<>(metadata);
		EventPublishContext context = new EventPublishContext(eventType, stream, carried);
		Observation observation = EventStreamObservation.PUBLISH.observation(this.publishConvention,
				DefaultEventPublishObservationConvention.INSTANCE, () -> context, this.registry);
		return observation.observe(() -> {
			Published published = publish.publish(carried);
			context.setEventId(published.eventId());
			context.setEntryId(published.entryId());
			return published.entryId();
		});
	}

	@Override
	public void process(ReceivedEvent received, EventHandler handler) throws Exception {
		Observation observation = EventStreamObservation.PROCESS.observation(this.processConvention,
				DefaultEventProcessObservationConvention.INSTANCE,
				() -> new EventProcessContext(received, this.group, this.consumerName), this.registry);
		observation.observeChecked(() -> handler.handle(received));
	}

}
