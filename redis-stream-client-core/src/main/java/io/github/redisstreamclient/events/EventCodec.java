package io.github.redisstreamclient.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.github.redisstreamclient.core.internal.EntryFields;
import io.github.redisstreamclient.core.internal.Excerpt;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON envelope in the {@code event} field. Written and read field by field rather than by data binding, so
 * that the wire format cannot drift with the record's shape and a malformed entry gets a message that says what
 * is wrong with it.
 */
final class EventCodec {

	/** Name of the stream entry field that holds the envelope. */
	static final String EVENT_FIELD = "event";

	// Decimals are read as BigDecimal: a price of 12.50 must not come back as the double 12.5.
	static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private EventCodec() {
	}

	/** A new event with a random id and the current time. */
	static Event create(String type, @Nullable Object payload, Map<String, String> metadata) {
		JsonNode tree = (payload != null) ? MAPPER.valueToTree(payload) : JsonNodeFactory.instance.nullNode();
		return new Event(UUID.randomUUID().toString(), type, tree, metadata, Instant.now());
	}

	static String encode(Event event) {
		ObjectNode root = JsonNodeFactory.instance.objectNode();
		root.put("id", event.id());
		root.put("type", event.type());
		root.set("payload", event.payload());
		ObjectNode metadata = root.putObject("metadata");
		event.metadata().forEach(metadata::put);
		root.put("timestamp", event.timestamp().toString());
		return MAPPER.writeValueAsString(root);
	}

	/**
	 * Reads the envelope of a stream entry as Redis holds it: the {@code event} field must be UTF-8, as JSON is.
	 * @throws MalformedEventException saying what is wrong
	 */
	static Event decode(EntryFields fields) throws MalformedEventException {
		byte[] json = fields.value(EVENT_FIELD);
		if (json == null) {
			return decode((String) null);
		}
		try {
			return decode(EntryFields.strictUtf8(json));
		}
		catch (EntryFields.NotUtf8Exception ex) {
			throw new MalformedEventException("'" + EVENT_FIELD + "' is not UTF-8 text: " + ex.getMessage());
		}
	}

	/**
	 * Reads the envelope of a stream entry.
	 * @param json the {@code event} field, {@code null} when the entry has none
	 * @throws MalformedEventException saying what is wrong
	 */
	static Event decode(@Nullable String json) throws MalformedEventException {
		if (json == null) {
			throw new MalformedEventException("the entry has no '" + EVENT_FIELD + "' field");
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("'" + EVENT_FIELD + "' is not valid JSON ("
					+ Excerpt.of(ex.getOriginalMessage()) + "): " + Excerpt.of(json));
		}
		catch (RuntimeException ex) {
			// Jackson lets a few number errors out unwrapped: a NumberFormatException for 1e2147483648 as a BigDecimal.
			throw new MalformedEventException("'" + EVENT_FIELD + "' is not valid JSON (" + Excerpt.of(ex.toString())
					+ "): " + Excerpt.of(json));
		}
		if (root == null || !root.isObject()) {
			throw new MalformedEventException("'" + EVENT_FIELD + "' is not a JSON object: " + Excerpt.of(json));
		}
		String id = requiredString(root, "id");
		String type = requiredString(root, "type");
		JsonNode payload = root.get("payload");
		if (payload == null) {
			throw new MalformedEventException("'" + EVENT_FIELD + "' has no 'payload' field");
		}
		String timestamp = requiredString(root, "timestamp");
		Instant instant;
		try {
			instant = Instant.parse(timestamp);
		}
		catch (DateTimeParseException ex) {
			throw new MalformedEventException("'timestamp' is not an ISO-8601 instant: " + Excerpt.of(timestamp));
		}
		return new Event(id, type, payload, metadata(root.get("metadata")), instant);
	}

	private static Map<String, String> metadata(@Nullable JsonNode node) throws MalformedEventException {
		Map<String, String> metadata = new LinkedHashMap<>();
		if (node == null || node.isNull()) {
			return metadata;
		}
		if (!node.isObject()) {
			throw new MalformedEventException("'metadata' is not a JSON object");
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			JsonNode value = entry.getValue();
			// Numbers and booleans are accepted as their text, so that producers in other languages need no care.
			if (!value.isValueNode() || value.isNull()) {
				throw new MalformedEventException("'metadata." + Excerpt.of(entry.getKey()) + "' is not a string");
			}
			metadata.put(entry.getKey(), value.asString());
		}
		return metadata;
	}

	private static String requiredString(JsonNode root, String field) throws MalformedEventException {
		JsonNode value = root.get(field);
		if (value == null || !value.isString()) {
			throw new MalformedEventException("'" + EVENT_FIELD + "' has no string field '" + field + "'");
		}
		return value.stringValue();
	}

	/** An entry that cannot become an {@link Event}; dead-lettered at once, since no retry can fix it. */
	static final class MalformedEventException extends Exception {

		private static final long serialVersionUID = 1L;

		MalformedEventException(String message) {
			super(message);
		}

	}

}
