package io.github.redisstreamclient.events;

import io.github.redisstreamclient.core.InvalidOptionException;

/**
 * Stream names under a prefix: {@code <prefix>:<event-type>} per type and {@code <prefix>:dlq} for dead letters.
 */
final class EventStreams {

	static final String DEAD_LETTER_SUFFIX = "dlq";

	private final String prefix;

	EventStreams(String prefix) {
		if (prefix == null || prefix.isBlank()) {
			throw new InvalidOptionException("prefix", prefix, "prefix must not be empty", "events");
		}
		this.prefix = prefix;
	}

	String prefix() {
		return this.prefix;
	}

	String stream(String eventType) {
		return this.prefix + ":" + requireValidType(eventType);
	}

	String deadLetter() {
		return this.prefix + ":" + DEAD_LETTER_SUFFIX;
	}

	/** The event type a stream of this prefix carries, or the stream name itself when it is not one of ours. */
	String typeOf(String stream) {
		String start = this.prefix + ":";
		return stream.startsWith(start) ? stream.substring(start.length()) : stream;
	}

	static String requireValidType(String eventType) {
		if (eventType == null || eventType.isBlank()) {
			throw new IllegalArgumentException("eventType must not be empty");
		}
		// The dead-letter stream would otherwise double as the stream of an event type.
		if (eventType.equals(DEAD_LETTER_SUFFIX)) {
			throw new IllegalArgumentException(
					"eventType must not be '" + DEAD_LETTER_SUFFIX + "': <prefix>:dlq is the dead-letter stream");
		}
		return eventType;
	}

}
