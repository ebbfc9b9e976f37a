package io.github.redisstreamclient.observation;

import java.util.Objects;

import io.github.redisstreamclient.spring.StreamEvent;
import io.micrometer.observation.Observation;

/**
 * What {@link StreamHandlerObservation#HANDLER} knows about one handler call.
 */
public class StreamHandlerContext extends Observation.Context {

	private final StreamEvent event;

	private final String handlerName;

	/**
	 * @param event the event the handler is called with
	 * @param handlerName the handler method, {@code SimpleClassName.method}
	 */
	public StreamHandlerContext(StreamEvent event, String handlerName) {
		this.event = Objects.requireNonNull(event, "event must not be null");
		this.handlerName = Objects.requireNonNull(handlerName, "handlerName must not be null");
	}

	/** The event the handler is called with; its client gives the service. */
	public StreamEvent getEvent() {
		return this.event;
	}

	/** The handler method, {@code SimpleClassName.method}. */
	public String getHandlerName() {
		return this.handlerName;
	}

	/** {@code added}, {@code expired}, {@code disowned} or {@code terminated}. */
	public String getHandlerKind() {
		return switch (this.event.notification().type()) {
			case STREAM_ADDED -> "added";
			case STREAM_EXPIRED -> "expired";
			case STREAM_DISOWNED -> "disowned";
			case STREAM_TERMINATED -> "terminated";
		};
	}

}
