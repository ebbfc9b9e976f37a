package io.github.redisstreamclient.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link EventStreamObservation#PUBLISH}; implement it, or extend
 * {@link DefaultEventPublishObservationConvention}, to change them.
 */
public interface EventPublishObservationConvention extends ObservationConvention<EventPublishContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof EventPublishContext;
	}

}
