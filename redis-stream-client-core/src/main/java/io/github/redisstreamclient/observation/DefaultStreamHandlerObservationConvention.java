package io.github.redisstreamclient.observation;

import io.github.redisstreamclient.observation.StreamHandlerObservation.HighCardinalityKeys;
import io.github.redisstreamclient.observation.StreamHandlerObservation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * Names the handler observation {@code redis.stream.client.handler}, its span after the handler method, and tags
 * it with the service, the handler kind and the handler method; the stream goes to a high-cardinality key. Extend
 * it to add a key.
 */
public class DefaultStreamHandlerObservationConvention implements StreamHandlerObservationConvention {

	/** A shared instance. */
	public static final DefaultStreamHandlerObservationConvention INSTANCE = new DefaultStreamHandlerObservationConvention();

	@Override
	public String getName() {
		return "redis.stream.client.handler";
	}

	@Override
	public String getContextualName(StreamHandlerContext context) {
		return "stream " + context.getHandlerKind() + " " + context.getHandlerName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(StreamHandlerContext context) {
		return KeyValues.of(LowCardinalityKeys.SERVICE.withValue(context.getEvent().client().serviceName()),
				LowCardinalityKeys.HANDLER_KIND.withValue(context.getHandlerKind()),
				LowCardinalityKeys.HANDLER_NAME.withValue(context.getHandlerName()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(StreamHandlerContext context) {
		String stream = context.getEvent().streamName();
		return KeyValues.of(HighCardinalityKeys.STREAM.withValue((stream != null) ? stream : "none"));
	}

}
