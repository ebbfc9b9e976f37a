package io.github.redisstreamclient.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes LBS entries in the Go client's format: field {@code lbs-input} holding
 * {@code {"DataStreamName": "...", "Info": {...}}}, so producers written for the Go client feed our consumers.
 */
public final class LbsMessages {

	/** The one field of an LBS entry. */
	public static final String FIELD = "lbs-input";

	private static final ObjectMapper MAPPER = JsonMapper.builder().build();

	private LbsMessages() {
	}

	/** The value of {@link #FIELD} for a data stream and the producer's info. */
	public static String format(String dataStreamName, Map<String, ?> info) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("DataStreamName", dataStreamName);
		message.put("Info", info);
		return MAPPER.writeValueAsString(message);
	}

	/**
	 * Parses the fields of an LBS entry.
	 * @throws MalformedEntryException naming what is wrong, for the dead-letter stream
	 */
	public static LbsMessage parse(Map<String, String> fields) {
		String json = fields.get(FIELD);
		if (json == null) {
			throw new MalformedEntryException("missing field '" + FIELD + "', fields were " + fields.keySet());
		}
		// Read straight into maps: a tree converted afterwards costs twice the work on the assignment path.
		Object root;
		try {
			root = MAPPER.readValue(json, Object.class);
		}
		catch (JacksonException ex) {
			throw new MalformedEntryException("'" + FIELD + "' is not valid JSON: " + ex.getOriginalMessage());
		}
		if (!(root instanceof Map<?, ?> message)) {
			throw new MalformedEntryException("'" + FIELD + "' is not a JSON object");
		}
		if (!(message.get("DataStreamName") instanceof String name) || name.isEmpty()) {
			throw new MalformedEntryException("'" + FIELD + "' has no DataStreamName string");
		}
		Object info = message.get("Info");
		if (info != null && !(info instanceof Map)) {
			throw new MalformedEntryException("'" + FIELD + "' has an Info that is not a JSON object");
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> infoMap = (info != null) ? (Map<String, Object>) info : new LinkedHashMap<>();
		return new LbsMessage(name, infoMap);
	}

	/** A parsed LBS entry. */
	public record LbsMessage(String dataStreamName, Map<String, Object> info) {
	}

	/** An LBS entry that cannot be read; its message is the reason recorded in the dead-letter stream. */
	public static final class MalformedEntryException extends RuntimeException {

		MalformedEntryException(String reason) {
			super(reason);
		}

	}

}
