package io.github.redisstreamclient.observation;

import java.util.Map;
import java.util.Objects;

import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * What {@link EventStreamObservation#PUBLISH} knows about one publish. Its carrier is the event's metadata, still
 * mutable while the observation starts: a tracer's propagator writes the trace context there ({@code traceparent},
 * and {@code tracestate} or baggage when there are some), and the event is encoded after that.
 */
public class EventPublishContext extends SenderContext<Map<String, String>> {

	private final String eventType;

	private final String stream;

	private @Nullable String eventId;

	private @Nullable String entryId;

	/**
	 * @param eventType the event type
	 * @param stream the stream it goes to
	 * @param metadata the event's metadata, mutable: the trace context is put into it
	 */
	public EventPublishContext(String eventType, String stream, Map<String, String> metadata) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		});
		this.eventType = Objects.requireNonNull(eventType, "eventType must not be null");
		this.stream = Objects.requireNonNull(stream, "stream must not be null");
		setCarrier(Objects.requireNonNull(metadata, "metadata must not be null"));
		setRemoteServiceName("redis");
	}

	/** The event type, such as {@code order.created}. */
	public String getEventType() {
		return this.eventType;
	}

	/** The stream the event goes to, {@code <prefix>:<type>}. */
	public String getStream() {
		return this.stream;
	}

	/** The event's id, once the event was created; {@code null} when the payload could not be written. */
	public @Nullable String getEventId() {
		return this.eventId;
	}

	public void setEventId(@Nullable String eventId) {
		this.eventId = eventId;
	}

	/** The stream entry id, once {@code XADD} returned; {@code null} when the publish failed. */
	public @Nullable String getEntryId() {
		return this.entryId;
	}

	public void setEntryId(@Nullable String entryId) {
		this.entryId = entryId;
	}

}
