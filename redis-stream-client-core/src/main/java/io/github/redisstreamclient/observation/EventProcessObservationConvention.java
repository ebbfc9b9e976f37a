package io.github.redisstreamclient.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link EventStreamObservation#PROCESS}; implement it, or extend
 * {@link DefaultEventProcessObservationConvention}, to change them.
 */
public interface EventProcessObservationConvention extends ObservationConvention<EventProcessContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof EventProcessContext;
	}

}
