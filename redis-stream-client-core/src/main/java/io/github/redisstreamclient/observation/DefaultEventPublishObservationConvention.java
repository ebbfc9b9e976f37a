package io.github.redisstreamclient.observation;

import io.github.redisstreamclient.observation.EventStreamObservation.HighCardinalityKeys;
import io.github.redisstreamclient.observation.EventStreamObservation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * Names the publish observation {@code redis.stream.client.events.publish}, its span {@code publish <type>}, and tags
 * it with {@code messaging.system}, {@code messaging.operation} and the event type; the stream, entry id and event
 * id go to high-cardinality keys. Extend it to add a key.
 */
public class DefaultEventPublishObservationConvention implements EventPublishObservationConvention {

	/** A shared instance. */
	public static final DefaultEventPublishObservationConvention INSTANCE = new DefaultEventPublishObservationConvention();

	@Override
	public String getName() {
		return "redis.stream.client.events.publish";
	}

	@Override
	public String getContextualName(EventPublishContext context) {
		return "publish " + context.getEventType();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(EventPublishContext context) {
		return KeyValues.of(LowCardinalityKeys.MESSAGING_SYSTEM.withValue("redis"),
				LowCardinalityKeys.MESSAGING_OPERATION.withValue("publish"),
				LowCardinalityKeys.EVENT_TYPE.withValue(context.getEventType()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(EventPublishContext context) {
		KeyValues values = KeyValues.of(HighCardinalityKeys.STREAM.withValue(context.getStream()));
		if (context.getEntryId() != null) {
			values = values.and(HighCardinalityKeys.ENTRY_ID.withValue(context.getEntryId()));
		}
		if (context.getEventId() != null) {
			values = values.and(HighCardinalityKeys.EVENT_ID.withValue(context.getEventId()));
		}
		return values;
	}

}
