package io.github.redisstreamclient.events;

/**
 * Thrown when {@link EventStreamPublisher} cannot publish an event: Redis failed and the retries are used up, the
 * circuit breaker is open (the cause is then a {@code CallNotPermittedException} and Redis was not called), or the
 * payload cannot be written as JSON.
 */
public class EventPublishException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public EventPublishException(String message, Throwable cause) {
		super(message, cause);
	}

}
