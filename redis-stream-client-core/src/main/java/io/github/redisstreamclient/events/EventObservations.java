package io.github.redisstreamclient.events;

import java.util.Map;

/**
 * Observes publishes and handler calls. {@link #NOOP} where no observation registry was given, so that the events
 * run without Micrometer on the class path and a publish does not even copy its metadata.
 */
interface EventObservations {

	/** Observes nothing. */
	EventObservations NOOP = new EventObservations() {

		@Override
		public String publish(String eventType, String stream, Map<String, String> metadata, Publish publish) {
			return publish.publish(metadata).entryId();
		}

		@Override
		public void process(ReceivedEvent received, EventHandler handler) throws Exception {
			handler.handle(received);
		}

	};

	/**
	 * Runs one publish.
	 * @param metadata the caller's metadata
	 * @param publish writes the event with the metadata it is given, which may carry a trace context too
	 * @return the stream entry id
	 */
	String publish(String eventType, String stream, Map<String, String> metadata, Publish publish);

	/** Calls the handler, throwing what it throws. */
	void process(ReceivedEvent received, EventHandler handler) throws Exception;

	/** Writes an event to its stream. */
	@FunctionalInterface
	interface Publish {

		Published publish(Map<String, String> metadata);

	}

	/** What a publish wrote: the event's id and the entry's. */
	record Published(String eventId, String entryId) {

	}

}
