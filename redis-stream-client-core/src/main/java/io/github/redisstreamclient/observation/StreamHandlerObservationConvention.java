package io.github.redisstreamclient.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@link StreamHandlerObservation#HANDLER}; implement it, or extend
 * {@link DefaultStreamHandlerObservationConvention}, to change them.
 */
public interface StreamHandlerObservationConvention extends ObservationConvention<StreamHandlerContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof StreamHandlerContext;
	}

}
