package io.github.redisstreamclient.observation;

import io.github.redisstreamclient.events.ReceivedEvent;
import io.github.redisstreamclient.observation.EventStreamObservation.HighCardinalityKeys;
import io.github.redisstreamclient.observation.EventStreamObservation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * Names the process observation {@code redis.stream.client.events.process}, its span {@code process <type>}, and
 * tags it with {@code messaging.system}, {@code messaging.operation}, the event type and the consumer group; the
 * stream, entry id, event id, consumer name and delivery count go to high-cardinality keys. Extend it to add a key.
 */
public class DefaultEventProcessObservationConvention implements EventProcessObservationConvention {

	/** A shared instance. */
	public static final DefaultEventProcessObservationConvention INSTANCE = new DefaultEventProcessObservationConvention();

	@Override
	public String getName() {
		return "redis.stream.client.events.process";
	}

	@Override
	public String getContextualName(EventProcessContext context) {
		return "process " + context.getReceivedEvent().event().type();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EventProcessContext context) {
		return KeyValues.of(LowCardinalityKeys.MESSAGING_SYSTEM.withValue("redis"),
				LowCardinalityKeys.MESSAGING_OPERATION.withValue("process"),
				LowCardinalityKeys.EVENT_TYPE.withValue(context.getReceivedEvent().event().type()),
				LowCardinalityKeys.CONSUMER_GROUP.withValue(context.getGroup()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EventProcessContext context) {
		ReceivedEvent received = context.getReceivedEvent();
		return KeyValues.of(HighCardinalityKeys.STREAM.withValue(received.stream()),
				HighCardinalityKeys.ENTRY_ID.withValue(received.entryId()),
				HighCardinalityKeys.EVENT_ID.withValue(received.event().id()),
				HighCardinalityKeys.CONSUMER_NAME.withValue(context.getConsumerName()),
				HighCardinalityKeys.DELIVERY_COUNT.withValue(Long.toString(received.deliveryCount())));
	}

}
