package io.github.redisstreamclient.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.redisstreamclient.fuzz.BadInput;
import io.github.redisstreamclient.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.stream.MapRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An entry's fields as bytes: text only when it is exactly UTF-8, and a dead-letter record that copies the pairs as
 * they are.
 */
class EntryFieldsTests {

	private static final Pattern OFFSET = Pattern.compile("at offset (\\d+) ");

	@Test
	void strictUtf8GivesBackExactlyTheBytesOrNamesTheFirstBadOne() {
		Fuzz.check(2_000, (random) -> random.nextBoolean() ? BadInput.bytes(random, 100)
				: BadInput.text(random, 50).getBytes(StandardCharsets.UTF_8), (bytes) -> List.of(), (bytes) -> {
					String text;
					try {
						text = EntryFields.strictUtf8(bytes);
					}
					catch (EntryFields.NotUtf8Exception ex) {
						assertThat(isUtf8(bytes)).as("rejected bytes are not UTF-8").isFalse();
						Matcher offset = OFFSET.matcher(ex.getMessage());
						assertThat(offset.find()).isTrue();
						int at = Integer.parseInt(offset.group(1));
						assertThat(isUtf8(Arrays.copyOf(bytes, at))).as("bytes before offset %d are UTF-8", at).isTrue();
						return;
					}
					assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
				});
	}

	@Test
	void textThatHoldsAReplacementCharacterIsStillValid() {
		byte[] bytes = "a\ufffdb".getBytes(StandardCharsets.UTF_8);

		assertThat(EntryFields.strictUtf8(bytes)).isEqualTo("a\ufffdb");
		assertThatThrownBy(() -> EntryFields.strictUtf8(new byte[] { 'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80 }))
			.hasMessage("byte 0xed at offset 1 is not valid UTF-8");
	}

	@Test
	void aRecordCopiesThePairsAsTheyAreThenAppends() {
		byte[] notUtf8 = { (byte) 0xff };
		EntryFields fields = EntryFields.ofFlat(List.of(notUtf8, notUtf8, "k".getBytes(StandardCharsets.UTF_8),
				"1".getBytes(StandardCharsets.UTF_8), "k".getBytes(StandardCharsets.UTF_8),
				"2".getBytes(StandardCharsets.UTF_8)));

		MapRecord<byte[], byte[], byte[]> record = fields.toRecord("dlq", Map.of("k", "ours"));

		assertThat(record.getValue()).hasSize(4);
		assertThat(record.getValue().entrySet()).extracting((e) -> new String(e.getKey(), StandardCharsets.ISO_8859_1)
				+ "=" + new String(e.getValue(), StandardCharsets.ISO_8859_1))
			.containsExactly("\u00ff=\u00ff", "k=1", "k=2", "k=ours");
		assertThat(fields.value("k")).isEqualTo("2".getBytes(StandardCharsets.UTF_8));
		assertThat(fields.toStrings()).containsEntry("k", "2").containsEntry("\ufffd", "\ufffd");
	}

	private static boolean isUtf8(byte[] bytes) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

}
