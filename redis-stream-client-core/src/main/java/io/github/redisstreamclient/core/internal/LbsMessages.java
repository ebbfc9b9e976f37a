package io.github.redisstreamclient.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
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
		JsonNode node;
		try {
			node = MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new MalformedEntryException("'" + FIELD + "' is not valid JSON: " + ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			throw new MalformedEntryException("'" + FIELD + "' is not a JSON object");
		}
		JsonNode name = node.get("DataStreamName");
		if (name == null || !name.isString() || name.asString().isEmpty()) {
			throw new MalformedEntryException("'" + FIELD + "' has no DataStreamName string");
		}
		JsonNode info = node.get("Info");
		Map<String, Object> infoMap = new LinkedHashMap<>();
		if (info != null && info.isObject()) {
			infoMap = MAPPER.convertValue(info, MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class,
					String.class, Object.class));
		}
		else if (info != null && !info.isNull()) {
			throw new MalformedEntryException("'" + FIELD + "' has an Info that is not a JSON object");
		}
		return new LbsMessage(name.asString(), infoMap);
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
