package io.github.redisstreamclient.events;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * An event as it travels in the {@code event} field of a stream entry:
 * <pre>{@code {"id": "<uuid>", "type": "order.created", "payload": {...}, "metadata": {"k": "v"}, "timestamp": "2025-01-01T12:00:00Z"}}</pre>
 *
 * @param id unique id given by the publisher, the same across publish retries: a key for idempotent handlers
 * @param type event type, which also names the stream ({@code <prefix>:<type>})
 * @param payload the payload as a JSON tree; see {@link #payloadAs(Class)}
 * @param metadata free-form string pairs such as a source or a correlation id
 * @param timestamp when the event was published
 */
public record Event(String id, String type, JsonNode payload, Map<String, String> metadata, Instant timestamp) {

	public Event {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(type, "type must not be null");
		Objects.requireNonNull(payload, "payload must not be null (use a JSON null node)");
		Objects.requireNonNull(timestamp, "timestamp must not be null");
		Objects.requireNonNull(metadata, "metadata must not be null");
		metadata.forEach((key, value) -> {
			if (key == null || value == null) {
				throw new IllegalArgumentException("metadata must not hold null keys or values, but had " + key + "=" + value);
			}
		});
		// Insertion order kept so the JSON reads as it was written.
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	/**
	 * Converts the payload with Jackson, for example to a record.
	 * @throws EventConversionException when the payload does not fit {@code type}
	 */
	public <T> T payloadAs(Class<T> type) {
		return payloadAs((Type) type);
	}

	/**
	 * Converts the payload with Jackson to a generic type, such as the parameter type of a handler method
	 * ({@code List<OrderLine>}).
	 * @throws EventConversionException when the payload does not fit {@code type}
	 */
	@SuppressWarnings("unchecked")
	public <T> T payloadAs(Type type) {
		Objects.requireNonNull(type, "type must not be null");
		try {
			JavaType javaType = EventCodec.MAPPER.getTypeFactory().constructType(type);
			return (T) EventCodec.MAPPER.treeToValue(this.payload, javaType);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			String reason = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage();
			throw new EventConversionException("Cannot convert the payload of event " + this.id + " ('" + this.type
					+ "') to " + type.getTypeName() + ": " + reason, ex);
		}
	}

}
