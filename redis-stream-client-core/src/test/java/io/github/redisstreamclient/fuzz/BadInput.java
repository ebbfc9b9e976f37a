package io.github.redisstreamclient.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Generators of what a broken, hostile or merely foreign producer can put in a stream entry: any text (control
 * characters, NUL, lone surrogates), bytes that are not UTF-8, JSON of random shapes with duplicate keys and odd
 * numbers, near-valid LBS and event envelopes with fields of the wrong type, missing or extra, nesting thousands of
 * levels deep and values of several megabytes.
 */
public final class BadInput {

	/** Size of the huge inputs: several megabytes, beyond anything a sane producer sends. */
	public static final int HUGE = 3 * 1024 * 1024;

	private static final String[] NUMBERS = { "0", "-0", "1", "-1", "0.0", "-0.0", "1.5", "1e400", "-1e400", "1e-400",
			"1E+2", "123456789012345678901234567890", "-9223372036854775809", "2147483648", "01", "1.", ".5", "-",
			"1e", "+1", "NaN", "Infinity", "-Infinity", "0x10", "1e2147483648", "1e-2147483649", "9".repeat(1001),
			"1." + "0".repeat(1200) };

	private static final String[] KEYS = { "DataStreamName", "Info", "datastreamname", "dataStreamName",
			"DataStreamName ", "id", "type", "payload", "metadata", "timestamp", "lbs-input", "", "\u0000" };

	private static final String[] NAMES = { "s", " ", "\n", "\t", "a\u0000b", "\u0000", "session-1", "a,b\nc",
			"\u00e9\u00e8", "\ud83d\ude00", "\ufffd", "\ufeff", "{\"DataStreamName\":\"x\"}", "\\", "\"", "*", "-" };

	private BadInput() {
	}

	/** Any text, weighted towards what JSON and UTF-8 find hard. */
	public static String text(Random random, int maxLength) {
		int length = random.nextInt(maxLength + 1);
		StringBuilder text = new StringBuilder(length + 1);
		while (text.length() < length) {
			appendChar(random, text);
		}
		return text.toString();
	}

	private static void appendChar(Random random, StringBuilder text) {
		switch (random.nextInt(12)) {
			case 0 -> text.append((char) random.nextInt(0x20));
			case 1 -> text.append(pick(random, "\"", "\\", "/", "{", "}", "[", "]", ":", ",", " ", "\n", "\t"));
			case 2 -> text.append((char) (0xD800 + random.nextInt(0x400)));
			case 3 -> text.append((char) (0xDC00 + random.nextInt(0x400)));
			case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
			case 5 -> text.append(pick(random, "\ufffd", "\ufeff", "\u2028", "\u2029", "\u00a0", "\u200b", "\uffff",
					"\u0085", "\u0000"));
			case 6 -> text.append((char) random.nextInt(0x10000));
			default -> text.append((char) (0x20 + random.nextInt(0x5f)));
		}
	}

	/** Bytes: random, or UTF-8 with faults (overlong forms, encoded surrogates, cut sequences, stray bytes). */
	public static byte[] bytes(Random random, int maxLength) {
		if (random.nextBoolean()) {
			byte[] bytes = new byte[random.nextInt(maxLength + 1)];
			random.nextBytes(bytes);
			return bytes;
		}
		byte[] valid = lbsInput(random).getBytes(StandardCharsets.UTF_8);
		List<Byte> out = new ArrayList<>(valid.length + 8);
		for (byte b : valid) {
			out.add(b);
		}
		int faults = 1 + random.nextInt(3);
		for (int i = 0; i < faults; i++) {
			byte[] fault = pick(random, new byte[] { (byte) 0xff }, new byte[] { (byte) 0xc0, (byte) 0x80 },
					new byte[] { (byte) 0xed, (byte) 0xa0, (byte) 0x80 }, new byte[] { (byte) 0xe2, (byte) 0x82 },
					new byte[] { (byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 },
					new byte[] { (byte) 0x80 }, new byte[] { (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80 });
			int at = random.nextInt(out.size() + 1);
			for (int j = fault.length - 1; j >= 0; j--) {
				out.add(at, fault[j]);
			}
		}
		byte[] bytes = new byte[out.size()];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = out.get(i);
		}
		return bytes;
	}

	/** Bytes decoded as UTF-8, as a reader that converts entries to strings sees them. */
	public static String utf8Garbage(Random random) {
		return new String(bytes(random, 200), StandardCharsets.UTF_8);
	}

	/** A JSON value of a random shape, sometimes slightly invalid. */
	public static String json(Random random, int depth) {
		int choice = random.nextInt((depth <= 0) ? 5 : 8);
		return switch (choice) {
			case 0 -> jsonString(random, text(random, 12));
			case 1 -> pick(random, NUMBERS);
			case 2 -> pick(random, "true", "false", "null", "nul", "True", "undefined", "");
			case 3 -> Long.toString(random.nextLong());
			case 4 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
			case 5, 6 -> object(random, depth - 1, (r) -> pick(r, KEYS), 0);
			default -> array(random, depth - 1);
		};
	}

	private static String array(Random random, int depth) {
		int size = random.nextInt(4);
		List<String> items = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			items.add(json(random, depth));
		}
		return "[" + String.join(pick(random, ",", ",", ",", ", ", ",,"), items) + "]";
	}

	/** An object whose keys come from {@code keys} (so duplicates happen) or are random text. */
	private static String object(Random random, int depth, Function<Random, String> keys, int minSize) {
		int size = minSize + random.nextInt(4);
		StringBuilder json = new StringBuilder("{");
		for (int i = 0; i < size; i++) {
			if (i > 0) {
				json.append(',');
			}
			String key = random.nextBoolean() ? keys.apply(random) : text(random, 8);
			json.append(jsonString(random, key)).append(':').append(json(random, depth));
		}
		return json.append('}').toString();
	}

	/** A JSON string literal of {@code text}: escaped one of several ways, now and then raw where JSON forbids it. */
	public static String jsonString(Random random, String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		int style = random.nextInt(10);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20 && style != 0) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else if (style == 1 && (c > 0x7e || random.nextInt(8) == 0)) {
				json.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
			}
			else {
				json.append(c);
			}
		}
		return json.append('"').toString();
	}

	/** A near-valid {@code lbs-input}: each part right, of the wrong type, missing, doubled or cut. */
	public static String lbsInput(Random random) {
		List<String> members = new ArrayList<>();
		int nameChoice = random.nextInt(14);
		if (nameChoice > 0) {
			members.add("\"DataStreamName\":" + nameValue(random, nameChoice));
		}
		int infoChoice = random.nextInt(12);
		if (infoChoice > 0) {
			members.add("\"Info\":" + infoValue(random, infoChoice));
		}
		int extras = (random.nextInt(4) == 0) ? 1 + random.nextInt(3) : 0;
		for (int i = 0; i < extras; i++) {
			String key = random.nextBoolean() ? pick(random, KEYS) : text(random, 6);
			members.add(random.nextInt(members.size() + 1), jsonString(random, key) + ":" + json(random, 2));
		}
		String json = "{" + String.join(",", members) + "}";
		return mutate(random, json);
	}

	private static String nameValue(Random random, int choice) {
		return switch (choice) {
			case 1 -> pick(random, NUMBERS);
			case 2 -> array(random, 1);
			case 3 -> object(random, 1, (r) -> pick(r, KEYS), 0);
			case 4 -> pick(random, "null", "true", "false", "\"\"");
			case 5 -> jsonString(random, text(random, 20));
			case 6 -> jsonString(random, pick(random, NAMES));
			case 7 -> "\"\\ud800\"";
			case 8 -> "\"a\\udc00b\"";
			default -> jsonString(random, "stream-" + random.nextInt(1000));
		};
	}

	private static String infoValue(Random random, int choice) {
		return switch (choice) {
			case 1 -> array(random, 2);
			case 2 -> jsonString(random, text(random, 10));
			case 3 -> pick(random, NUMBERS);
			case 4 -> pick(random, "true", "false");
			case 5 -> "null";
			case 6 -> "{}";
			default -> object(random, 3, (r) -> pick(r, "user_id", "k", "", "Info", "DataStreamName"), 0);
		};
	}

	/** Usually unchanged; else cut short, a char inserted or replaced, or wrapped in an array. */
	private static String mutate(Random random, String json) {
		return switch (random.nextInt(12)) {
			case 0 -> json.substring(0, random.nextInt(json.length() + 1));
			case 1 -> insert(random, json, String.valueOf(pick(random, "{", "}", "\"", ",", ":", "[", "\\", "\u0000",
					"\ud800")));
			case 2 -> "[" + json + "]";
			case 3 -> json + pick(random, " ", "x", "}", "{}", "\n", "\u0000");
			case 4 -> pick(random, " ", "\ufeff", "\n", "") + json;
			default -> json;
		};
	}

	private static String insert(Random random, String text, String piece) {
		int at = random.nextInt(text.length() + 1);
		return text.substring(0, at) + piece + text.substring(at);
	}

	/** The fields of an LBS entry: mostly one {@code lbs-input}, sometimes missing, renamed, empty or crowded. */
	public static Map<String, String> lbsFields(Random random) {
		Map<String, String> fields = new LinkedHashMap<>();
		switch (random.nextInt(20)) {
			case 0 -> fields.put(text(random, 10), text(random, 20));
			case 1 -> {
			}
			case 2 -> fields.put(pick(random, "LBS-INPUT", "lbs-input ", "lbs_input", "lbsinput", ""),
					lbsInput(random));
			case 3 -> fields.put("lbs-input", "");
			case 4 -> {
				for (int i = 0; i < 2_000; i++) {
					fields.put("field-" + i + "-" + "x".repeat(random.nextInt(40)), "v");
				}
			}
			case 5 -> fields.put("f".repeat(200_000), "v");
			case 6 -> {
				fields.put("reason", "the producer's own reason");
				fields.put("consumer", "the producer's own consumer");
				fields.put("lbs-input", lbsInput(random));
			}
			default -> fields.put("lbs-input", anyLbsInput(random));
		}
		if (random.nextInt(10) == 0) {
			fields.put(text(random, 8), text(random, 30));
		}
		return fields;
	}

	/** What may stand in {@code lbs-input}: near-valid JSON mostly, else any text, bytes read as UTF-8 or JSON. */
	public static String anyLbsInput(Random random) {
		return switch (random.nextInt(20)) {
			case 0, 1 -> text(random, 60);
			case 2, 3 -> utf8Garbage(random);
			case 4, 5 -> json(random, 4);
			case 6 -> deep(random, 100 + random.nextInt(400));
			case 7 -> deep(random, 500 + random.nextInt(3_000));
			default -> lbsInput(random);
		};
	}

	/** A near-valid event envelope: each field right, of the wrong type, missing, doubled or cut. */
	public static String eventJson(Random random) {
		List<String> members = new ArrayList<>();
		addMember(random, members, "id", () -> jsonString(random, "e-" + random.nextInt(1000)));
		addMember(random, members, "type", () -> jsonString(random, "order.created"));
		addMember(random, members, "payload", () -> json(random, 3));
		if (random.nextInt(4) > 0) {
			members.add("\"metadata\":" + switch (random.nextInt(8)) {
				case 0 -> array(random, 1);
				case 1 -> jsonString(random, text(random, 5));
				case 2 -> "null";
				case 3 -> pick(random, NUMBERS);
				default -> object(random, 1, (r) -> pick(r, "source", "trace", ""), 0);
			});
		}
		addMember(random, members, "timestamp", () -> jsonString(random, pick(random, "2025-01-01T00:00:00Z",
				"2025-01-01T00:00:00.123456789Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
				"2016-12-31T23:59:60Z", "2025-01-01T00:00:00+02:00", "2025-13-01T00:00:00Z", "yesterday", "",
				"2025-01-01", "2025-01-01t00:00:00z", "+1000000001-01-01T00:00:00Z", text(random, 10))));
		if (random.nextInt(5) == 0) {
			members.add(random.nextInt(members.size() + 1), jsonString(random, pick(random, KEYS)) + ":"
					+ json(random, 2));
		}
		return mutate(random, "{" + String.join(",", members) + "}");
	}

	private static void addMember(Random random, List<String> members, String name,
			java.util.function.Supplier<String> right) {
		int choice = random.nextInt(12);
		if (choice == 0) {
			return;
		}
		String value = switch (choice) {
			case 1 -> pick(random, NUMBERS);
			case 2 -> array(random, 1);
			case 3 -> object(random, 1, (r) -> pick(r, KEYS), 0);
			case 4 -> pick(random, "null", "true", "\"\"");
			case 5 -> jsonString(random, text(random, 20));
			default -> right.get();
		};
		members.add("\"" + name + "\":" + value);
	}

	/** What may stand in an {@code event} field: near-valid envelopes mostly, else any text, bytes or JSON. */
	public static String anyEventJson(Random random) {
		return switch (random.nextInt(20)) {
			case 0, 1 -> text(random, 60);
			case 2, 3 -> utf8Garbage(random);
			case 4, 5 -> json(random, 4);
			case 6 -> deep(random, 100 + random.nextInt(400));
			case 7 -> deep(random, 500 + random.nextInt(3_000));
			default -> eventJson(random);
		};
	}

	/** Nesting {@code levels} deep, as a bare value or inside an envelope's Info or payload; closed or not. */
	public static String deep(Random random, int levels) {
		boolean arrays = random.nextBoolean();
		String open = arrays ? "[" : "{\"a\":";
		String close = arrays ? "]" : "}";
		String inner = open.repeat(levels) + "1" + (random.nextInt(4) == 0 ? "" : close.repeat(levels));
		return switch (random.nextInt(3)) {
			case 0 -> inner;
			case 1 -> "{\"DataStreamName\":\"s\",\"Info\":{\"k\":" + inner + "}}";
			default -> "{\"id\":\"e\",\"type\":\"t\",\"payload\":" + inner
					+ ",\"timestamp\":\"2025-01-01T00:00:00Z\"}";
		};
	}

	/** One of the several-megabyte inputs. */
	public static String huge(Random random) {
		return switch (random.nextInt(9)) {
			case 0 -> "{\"DataStreamName\":\"" + "n".repeat(HUGE) + "\",\"Info\":{}}";
			case 1 -> "{\"DataStreamName\":\"s\",\"Info\":{\"k\":\"" + "v".repeat(HUGE) + "\"}}";
			case 2 -> manyKeys(HUGE / 30);
			case 3 -> text(new Random(random.nextLong()), HUGE / 2) + "x".repeat(HUGE / 2);
			case 4 -> "[".repeat(HUGE);
			case 5 -> "{\"DataStreamName\":\"" + "u".repeat(HUGE);
			case 6 -> "1".repeat(HUGE);
			case 7 -> "{\"id\":\"e\",\"type\":\"t\",\"payload\":\"" + "p".repeat(HUGE)
					+ "\",\"timestamp\":\"2025-01-01T00:00:00Z\"}";
			default -> "{\"" + "k".repeat(HUGE) + "\":1}";
		};
	}

	/** An LBS entry whose Info has {@code keys} keys, each a little different. */
	public static String manyKeys(int keys) {
		StringBuilder json = new StringBuilder(keys * 30).append("{\"DataStreamName\":\"s\",\"Info\":{");
		for (int i = 0; i < keys; i++) {
			json.append((i > 0) ? "," : "").append("\"key-").append(i).append("\":").append(i);
		}
		return json.append("},\"metadata\":{},\"id\":\"e\",\"type\":\"t\",\"payload\":1,")
			.append("\"timestamp\":\"2025-01-01T00:00:00Z\"}")
			.toString();
	}

	/** Whether {@code text} has no lone surrogate, so that UTF-8 (what Redis stores) represents it exactly. */
	public static boolean isWellFormed(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

	/** {@code text} with each lone surrogate replaced by 'x'. */
	public static String wellFormed(String text) {
		StringBuilder out = new StringBuilder(text.length());
		text.codePoints().forEach((cp) -> out.appendCodePoint((cp >= 0xD800 && cp <= 0xDFFF) ? 'x' : cp));
		return out.toString();
	}

	/** One of {@code choices}. */
	@SafeVarargs
	public static <T> T pick(Random random, T... choices) {
		return choices[random.nextInt(choices.length)];
	}

}
