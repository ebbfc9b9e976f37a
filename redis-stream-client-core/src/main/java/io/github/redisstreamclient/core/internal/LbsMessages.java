package io.github.redisstreamclient.core.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
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

	private static final int MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

	private LbsMessages() {
	}

	/**
	 * The value of {@link #FIELD} for a data stream and the producer's info.
	 * @throws IllegalArgumentException when the entry could not reach a consumer as it is: a lone surrogate (UTF-8,
	 * what Redis stores, has no form for it) or a NaN or infinity (JSON has none; the Go client refuses them too)
	 */
	public static String format(String dataStreamName, Map<String, ?> info) {
		int lone = Excerpt.loneSurrogateAt(dataStreamName);
		if (lone >= 0) {
			throw new IllegalArgumentException("dataStreamName is not valid Unicode: a lone surrogate at index " + lone
					+ " would reach Redis as '?', the name of another stream");
		}
		if (holdsNonFinite(info)) {
			throw new IllegalArgumentException("info holds NaN or an infinity, which JSON cannot carry");
		}
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("DataStreamName", dataStreamName);
		message.put("Info", info);
		String json = MAPPER.writeValueAsString(message);
		lone = Excerpt.loneSurrogateAt(json);
		if (lone >= 0) {
			throw new IllegalArgumentException("info holds text that is not valid Unicode: a lone surrogate would "
					+ "reach Redis as '?'; near " + Excerpt.of(json.substring(Math.max(0, lone - 40), lone + 1)));
		}
		return json;
	}

	/**
	 * Parses the fields of an LBS entry given as text.
	 * @throws MalformedEntryException naming what is wrong, for the dead-letter stream
	 */
	public static LbsMessage parse(Map<String, String> fields) {
		String json = fields.get(FIELD);
		if (json == null) {
			throw missingField(fields.keySet());
		}
		return parse(json);
	}

	/**
	 * Parses the fields of an LBS entry as Redis holds them: {@code lbs-input} must also be UTF-8, as JSON is. A
	 * name read from bytes that are not would name another stream than the producer meant.
	 * @throws MalformedEntryException naming what is wrong, for the dead-letter stream
	 */
	public static LbsMessage parse(EntryFields fields) {
		byte[] json = fields.value(FIELD);
		if (json == null) {
			throw missingField(fields.names());
		}
		try {
			return parse(EntryFields.strictUtf8(json));
		}
		catch (EntryFields.NotUtf8Exception ex) {
			throw new MalformedEntryException("'" + FIELD + "' is not UTF-8 text: " + ex.getMessage());
		}
	}

	private static MalformedEntryException missingField(Collection<String> names) {
		// Quoted in short: an entry may have thousands of fields, or one name of a megabyte.
		return new MalformedEntryException("missing field '" + FIELD + "', fields were " + Excerpt.of(names.toString())
				+ ((names.size() > 1) ? " (" + names.size() + " fields)" : ""));
	}

	private static LbsMessage parse(String json) {
		// Read straight into maps: a tree converted afterwards costs twice the work on the assignment path.
		Object root;
		try {
			root = MAPPER.readValue(json, Object.class);
		}
		catch (JacksonException ex) {
			throw new MalformedEntryException("'" + FIELD + "' is not valid JSON: " + Excerpt.of(ex.getOriginalMessage()));
		}
		catch (RuntimeException ex) {
			// Jackson lets a few number errors out unwrapped (NumberFormatException): still this entry's fault.
			throw new MalformedEntryException("'" + FIELD + "' is not valid JSON: " + Excerpt.of(ex.toString()));
		}
		if (!(root instanceof Map<?, ?> message)) {
			throw new MalformedEntryException("'" + FIELD + "' is not a JSON object: it is " + describe(root));
		}
		Object name = message.get("DataStreamName");
		if (!(name instanceof String dataStreamName)) {
			throw new MalformedEntryException("'" + FIELD + "' has no DataStreamName string: "
					+ (message.containsKey("DataStreamName") ? "it is " + describe(name)
							: "it is missing" + sameNameInOtherCase(message.keySet())));
		}
		if (dataStreamName.isEmpty()) {
			throw new MalformedEntryException("'" + FIELD + "' has an empty DataStreamName");
		}
		int lone = Excerpt.loneSurrogateAt(dataStreamName);
		if (lone >= 0) {
			// Redis keys are bytes: UTF-8 turns a lone surrogate into '?', the name of another stream.
			throw new MalformedEntryException("'" + FIELD + "' has a DataStreamName that is not valid Unicode (a lone "
					+ "surrogate at index " + lone + "), so it cannot name a Redis key: " + Excerpt.of(dataStreamName));
		}
		Object info = message.get("Info");
		if (info != null && !(info instanceof Map)) {
			throw new MalformedEntryException("'" + FIELD + "' has an Info that is not a JSON object: it is "
					+ describe(info));
		}
		if (holdsNonFinite(info)) {
			// Jackson reads 1e400 as Infinity; the Go client rejects the entry, and so do we rather than change it.
			throw new MalformedEntryException("'" + FIELD + "' has a number in Info beyond the range of a double");
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> infoMap = (info != null) ? (Map<String, Object>) info : new LinkedHashMap<>();
		return new LbsMessage(dataStreamName, infoMap);
	}

	private static String sameNameInOtherCase(Collection<?> keys) {
		for (Object key : keys) {
			if ("DataStreamName".equalsIgnoreCase(String.valueOf(key))) {
				return " (names are case-sensitive; found '" + Excerpt.of(String.valueOf(key)) + "')";
			}
		}
		return "";
	}

	private static String describe(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof String) {
			return "a string";
		}
		if (value instanceof Number) {
			return "a number";
		}
		if (value instanceof Boolean) {
			return "a boolean";
		}
		return (value instanceof List) ? "an array" : "an object";
	}

	/** Whether a number is NaN or infinite (when read: out of a double's range). */
	private static boolean holdsNonFinite(@Nullable Object value) {
		return holdsNonFinite(value, 0);
	}

	private static boolean holdsNonFinite(@Nullable Object value, int depth) {
		if (depth > MAX_DEPTH) {
			// Deeper than Jackson reads or writes: it rejects the whole entry anyway (and a map holding itself).
			return false;
		}
		if (value instanceof Double number) {
			return !Double.isFinite(number);
		}
		if (value instanceof Float number) {
			return !Float.isFinite(number);
		}
		Iterable<?> items = (value instanceof Map<?, ?> map) ? map.values() : (value instanceof Iterable<?> list) ? list : null;
		if (items != null) {
			for (Object item : items) {
				if (holdsNonFinite(item, depth + 1)) {
					return true;
				}
			}
		}
		return false;
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
