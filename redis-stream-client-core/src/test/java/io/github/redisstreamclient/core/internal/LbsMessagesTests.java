package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LbsMessagesTests {

	@Test
	void writesTheGoClientsJsonAndReadsItBack() {
		String json = LbsMessages.format("session-1", Map.of("user_id", "u-1"));

		assertThat(json).isEqualTo("{\"DataStreamName\":\"session-1\",\"Info\":{\"user_id\":\"u-1\"}}");
		LbsMessages.LbsMessage message = LbsMessages.parse(Map.of("lbs-input", json));
		assertThat(message.dataStreamName()).isEqualTo("session-1");
		assertThat(message.info()).containsEntry("user_id", "u-1");
	}

	@Test
	void readsWhatAGoProducerWritesIncludingANullInfo() {
		LbsMessages.LbsMessage message = LbsMessages
			.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":null}"));

		assertThat(message.dataStreamName()).isEqualTo("s");
		assertThat(message.info()).isEmpty();
		assertThat(LbsMessages.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":{\"n\":3,\"b\":true}}"))
			.info()).containsEntry("n", 3).containsEntry("b", true);
	}

	@Test
	void malformedEntriesAreRejectedWithTheReason() {
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("x", "y"))).hasMessageContaining("missing field 'lbs-input'");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "{oops"))).hasMessageContaining("not valid JSON");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "[1]"))).hasMessageContaining("not a JSON object");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "{\"Info\":{}}")))
			.hasMessageContaining("no DataStreamName");
		assertThatThrownBy(() -> LbsMessages.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":[1]}")))
			.hasMessageContaining("Info that is not a JSON object");
	}

	@Test
	void wrongTypesAreNamedInTheReason() {
		assertThat(reason("{\"DataStreamName\":12}")).isEqualTo("'lbs-input' has no DataStreamName string: it is a number");
		assertThat(reason("{\"DataStreamName\":[\"s\"]}")).endsWith("it is an array");
		assertThat(reason("{\"DataStreamName\":{}}")).endsWith("it is an object");
		assertThat(reason("{\"DataStreamName\":null}")).endsWith("it is null");
		assertThat(reason("{\"DataStreamName\":true}")).endsWith("it is a boolean");
		assertThat(reason("{\"DataStreamName\":\"\"}")).isEqualTo("'lbs-input' has an empty DataStreamName");
		assertThat(reason("{\"DataStreamName\":\"s\",\"Info\":\"x\"}"))
			.isEqualTo("'lbs-input' has an Info that is not a JSON object: it is a string");
		assertThat(reason("{\"DataStreamName\":\"s\",\"Info\":7}")).endsWith("it is a number");
		assertThat(reason("\"s\"")).isEqualTo("'lbs-input' is not a JSON object: it is a string");
		assertThat(reason("")).startsWith("'lbs-input' is not valid JSON");
	}

	@Test
	void aNameInAnotherCaseIsPointedOut() {
		// The Go client matches names case-insensitively; we read the documented format only, and say so.
		assertThat(reason("{\"dataStreamName\":\"s\"}")).isEqualTo(
				"'lbs-input' has no DataStreamName string: it is missing (names are case-sensitive; found 'dataStreamName')");
	}

	/** Found by LbsMessagesFuzzTests: a JSON escape can produce a string that no Redis key can hold. */
	@Test
	void aNameWithALoneSurrogateIsMalformed() {
		assertThat(reason("{\"DataStreamName\":\"\\ud800\"}")).isEqualTo("'lbs-input' has a DataStreamName that is "
				+ "not valid Unicode (a lone surrogate at index 0), so it cannot name a Redis key: \\ud800");
		// A surrogate pair is one character, and fine.
		assertThat(LbsMessages.parse(Map.of("lbs-input", "{\"DataStreamName\":\"\\ud83d\\ude00\"}")).dataStreamName())
			.isEqualTo("\ud83d\ude00");
	}

	/** Names the Go client sends and Redis keys hold: blank, control characters, NUL are all valid names. */
	@Test
	void anyNonEmptyUnicodeNameIsValid() {
		for (String name : new String[] { " ", "\n", "a\u0000b", "a,b", "\ufffd", "\ud83d\ude00", "x".repeat(100_000) }) {
			assertThat(LbsMessages.parse(Map.of("lbs-input", LbsMessages.format(name, Map.of()))).dataStreamName())
				.isEqualTo(name);
		}
	}

	/** As for the Go client: a repeated key's last value counts; unknown keys are ignored. */
	@Test
	void aRepeatedKeyCountsWithItsLastValue() {
		LbsMessages.LbsMessage message = LbsMessages
			.parse(Map.of("lbs-input", "{\"DataStreamName\":\"a\",\"Info\":{},\"DataStreamName\":\"b\",\"x\":[1]}"));

		assertThat(message.dataStreamName()).isEqualTo("b");
	}

	/** Found by LbsMessagesFuzzTests: the reason listed every field name, so it could be megabytes long. */
	@Test
	void theReasonForAnEntryWithoutLbsInputIsShortHoweverManyFieldsItHas() {
		Map<String, String> many = new LinkedHashMap<>();
		for (int i = 0; i < 2_000; i++) {
			many.put("field-" + i, "v");
		}
		String reason = reason(many);
		assertThat(reason).startsWith("missing field 'lbs-input', fields were [field-0, field-1,").endsWith("(2000 fields)");
		assertThat(reason.length()).isLessThan(300);
		assertThat(reason(Map.of("f".repeat(200_000), "v")).length()).isLessThan(300);
	}

	@Test
	void nestingDeeperThanJacksonReadsIsMalformedWithAShortReason() {
		String deep = "{\"DataStreamName\":\"s\",\"Info\":{\"k\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}}";

		assertThat(reason(deep)).startsWith("'lbs-input' is not valid JSON: Document nesting depth (501) exceeds")
			.hasSizeLessThan(300);
	}

	/** Jackson reads 1e400 as Infinity; the Go client rejects the entry rather than change the number. */
	@Test
	void aNumberInInfoBeyondADoubleIsMalformed() {
		assertThat(reason("{\"DataStreamName\":\"s\",\"Info\":{\"k\":[1e400]}}"))
			.isEqualTo("'lbs-input' has a number in Info beyond the range of a double");
		assertThat(LbsMessages.parse(Map.of("lbs-input", "{\"DataStreamName\":\"s\",\"Info\":{\"k\":1e300}}")).info())
			.containsEntry("k", 1e300);
	}

	@Test
	void lbsInputThatIsNotUtf8IsMalformed() {
		byte[] json = "{\"DataStreamName\":\"s?\"}".getBytes(StandardCharsets.UTF_8);
		json[20] = (byte) 0xff;
		EntryFields fields = EntryFields.ofFlat(List.of("lbs-input".getBytes(StandardCharsets.UTF_8), json));

		assertThatThrownBy(() -> LbsMessages.parse(fields))
			.hasMessage("'lbs-input' is not UTF-8 text: byte 0xff at offset 20 is not valid UTF-8");
		// Read as text, the same entry would have named the stream "s\ufffd".
		assertThat(LbsMessages.parse(fields.toStrings()).dataStreamName()).isEqualTo("s\ufffd");
	}

	@Test
	void formatRefusesWhatCouldNotReachAConsumerUnchanged() {
		assertThatIllegalArgumentException().isThrownBy(() -> LbsMessages.format("s\ud800", Map.of()))
			.withMessageStartingWith("dataStreamName is not valid Unicode: a lone surrogate at index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> LbsMessages.format("s", Map.of("k", List.of(Double.NaN))))
			.withMessage("info holds NaN or an infinity, which JSON cannot carry");
		assertThatIllegalArgumentException().isThrownBy(() -> LbsMessages.format("s", Map.of("k", "\udc00")))
			.withMessageStartingWith("info holds text that is not valid Unicode");
	}

	private static String reason(String lbsInput) {
		return reason(Map.of("lbs-input", lbsInput));
	}

	private static String reason(Map<String, String> fields) {
		try {
			LbsMessages.parse(fields);
		}
		catch (LbsMessages.MalformedEntryException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("Accepted " + fields);
	}

}
