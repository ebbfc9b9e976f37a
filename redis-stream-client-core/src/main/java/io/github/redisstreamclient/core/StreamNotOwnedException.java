package io.github.redisstreamclient.core;

/**
 * Thrown by {@code done} when this consumer does not own the stream (never did, already finished it, or lost its
 * lease to another consumer).
 */
public class StreamNotOwnedException extends RuntimeException {

	public StreamNotOwnedException(String message) {
		super(message);
	}

}
