package io.github.redisstreamclient.spring;

import io.github.redisstreamclient.observation.DefaultStreamHandlerObservationConvention;
import io.github.redisstreamclient.observation.StreamHandlerContext;
import io.github.redisstreamclient.observation.StreamHandlerObservation;
import io.github.redisstreamclient.observation.StreamHandlerObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * {@link HandlerObservations} on a Micrometer {@link ObservationRegistry}; only loaded when one was given.
 */
final class MicrometerHandlerObservations implements HandlerObservations {

	private final ObservationRegistry registry;

	private final @Nullable StreamHandlerObservationConvention convention;

	private MicrometerHandlerObservations(ObservationRegistry registry, @Nullable StreamHandlerObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	static HandlerObservations of(Object registry, @Nullable Object convention) {
		return (registry == ObservationRegistry.NOOP) ? HandlerObservations.NOOP
				: new MicrometerHandlerObservations((ObservationRegistry) registry,
						(StreamHandlerObservationConvention) convention);
	}

	@Override
	public void observe(StreamEvent event, String handlerName, Runnable call) {
		StreamHandlerObservation.HANDLER
			.observation(this.convention, DefaultStreamHandlerObservationConvention.INSTANCE,
					() -> new StreamHandlerContext(event, handlerName), this.registry)
			.observe(call);
	}

}
