package io.github.redisstreamclient.events;

/**
 * Thrown by {@link Event#payloadAs(Class)} when the payload does not convert to the requested type. Thrown from a
 * handler it counts as a failed delivery, so the event is retried and finally dead-lettered like any other failure.
 */
public class EventConversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public EventConversionException(String message, Throwable cause) {
		super(message, cause);
	}

}
