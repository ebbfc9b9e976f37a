package io.github.redisstreamclient.core.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.redisstreamclient.core.internal.LbsMessages.LbsMessage;
import io.github.redisstreamclient.core.internal.LbsMessages.MalformedEntryException;
import io.github.redisstreamclient.fuzz.BadInput;
import io.github.redisstreamclient.fuzz.Fuzz;
import io.github.redisstreamclient.fuzz.Fuzz.Shrinker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Properties of the LBS entry parser over generated bad input: whatever a producer writes, the parser returns a
 * well-formed message or rejects the entry with a short reason for the dead-letter stream, and nothing else escapes.
 * A failure prints its seed; see {@link Fuzz} for the replay.
 */
class LbsMessagesFuzzTests {

	/** A reason is stored with every dead letter: it may quote the input, but never a megabyte of it. */
	static final int MAX_REASON_LENGTH = 1_000;

	@Test
	void anyEntryIsReadOrRejectedWithAShortReason() {
		Fuzz.check(2_000, BadInput::lbsFields, Shrinker.fieldMaps(), LbsMessagesFuzzTests::readOrRejected);
	}

	@Test
	void anyBytesInLbsInputAreReadOrRejectedWithAShortReason() {
		Fuzz.check(1_000, (random) -> BadInput.bytes(random, 200), (bytes) -> List.of(), (bytes) -> {
			EntryFields fields = EntryFields.ofFlat(List.of(LbsMessages.FIELD.getBytes(StandardCharsets.UTF_8), bytes));
			LbsMessage message;
			try {
				message = LbsMessages.parse(fields);
			}
			catch (MalformedEntryException ex) {
				assertShortReason(ex.getMessage());
				return;
			}
			// Read, so the bytes were UTF-8: the name is what they say, not a replacement character's guess.
			assertThat(new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
			assertThat(message.dataStreamName()).isNotEmpty();
		});
	}

	@Test
	void hugeAndDeeplyNestedEntriesAreReadOrRejectedWithAShortReason() {
		Fuzz.check(24, (random) -> Map.of(LbsMessages.FIELD,
				random.nextBoolean() ? BadInput.huge(random) : BadInput.deep(random, 1_000 + random.nextInt(50_000))),
				Shrinker.fieldMaps(), LbsMessagesFuzzTests::readOrRejected);
	}

	@Test
	void whatIsFormattedIsReadBackThroughUtf8OrRefusedAtOnce() {
		Fuzz.check(500, (random) -> new Produced(name(random), info(random, 3)), (produced) -> List.of(),
				(produced) -> {
					if (!produced.carriable()) {
						assertThatIllegalArgumentException()
							.isThrownBy(() -> LbsMessages.format(produced.name(), produced.info()));
						return;
					}
					String json = LbsMessages.format(produced.name(), produced.info());
					// As Redis stores it: UTF-8 bytes.
					byte[] stored = json.getBytes(StandardCharsets.UTF_8);
					LbsMessage message = LbsMessages
						.parse(EntryFields.ofFlat(List.of(LbsMessages.FIELD.getBytes(StandardCharsets.UTF_8), stored)));
					assertThat(message.dataStreamName()).isEqualTo(produced.name());
					assertThat(message.info()).isEqualTo(produced.info());
				});
	}

	static void readOrRejected(Map<String, String> fields) {
		LbsMessage message;
		try {
			message = LbsMessages.parse(fields);
		}
		catch (MalformedEntryException ex) {
			assertShortReason(ex.getMessage());
			return;
		}
		assertThat(message.dataStreamName()).isNotEmpty();
		assertThat(BadInput.isWellFormed(message.dataStreamName())).as("name is valid Unicode").isTrue();
		assertThat(message.info()).isNotNull();
	}

	static void assertShortReason(String reason) {
		assertThat(reason).isNotBlank();
		assertThat(reason.length()).as("reason length").isLessThanOrEqualTo(MAX_REASON_LENGTH);
		assertThat(BadInput.isWellFormed(reason)).as("reason is valid Unicode, so Redis stores it as it is").isTrue();
	}


	/** A name, now and then with a lone surrogate, which no Redis key can hold. */
	private static String name(Random random) {
		String name;
		do {
			name = BadInput.text(random, 40);
		}
		while (name.isEmpty());
		return (random.nextInt(20) == 0) ? name : BadInput.wellFormed(name);
	}

	private static String text(Random random, int maxLength) {
		String text = BadInput.text(random, maxLength);
		return (random.nextInt(50) == 0) ? text : BadInput.wellFormed(text);
	}

	/** Info as a producer builds it: JSON's own types, nested. */
	private static Map<String, Object> info(Random random, int depth) {
		Map<String, Object> info = new LinkedHashMap<>();
		int size = random.nextInt(5);
		for (int i = 0; i < size; i++) {
			info.put(text(random, 10), value(random, depth - 1));
		}
		return info;
	}

	private static Object value(Random random, int depth) {
		int choice = random.nextInt((depth <= 0) ? 8 : 10);
		return switch (choice) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> random.nextInt();
			case 3 -> (long) Integer.MAX_VALUE + 1 + (random.nextLong() >>> 2);
			case 4 -> BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.valueOf(1 + random.nextInt(1000)))
				.add(BigInteger.ONE);
			case 5 -> (random.nextInt(30) == 0) ? BadInput.pick(random, Double.NaN, Double.POSITIVE_INFINITY, -1.0 / 0)
					: random.nextDouble() * Math.pow(10, random.nextInt(600) - 300);
			case 6, 7 -> text(random, 20);
			case 8 -> info(random, depth);
			default -> {
				List<Object> list = new ArrayList<>();
				for (int i = random.nextInt(4); i > 0; i--) {
					list.add(value(random, depth - 1));
				}
				yield list;
			}
		};
	}

	record Produced(String name, Map<String, Object> info) {

		/** Whether Redis and JSON can carry it unchanged: no lone surrogate (UTF-8 has none), no NaN or infinity. */
		boolean carriable() {
			return BadInput.isWellFormed(this.name) && carriable(this.info);
		}

		private static boolean carriable(Object value) {
			if (value instanceof String text) {
				return BadInput.isWellFormed(text);
			}
			if (value instanceof Double number) {
				return Double.isFinite(number);
			}
			if (value instanceof Map<?, ?> map) {
				return map.entrySet().stream().allMatch((e) -> carriable(e.getKey()) && carriable(e.getValue()));
			}
			if (value instanceof List<?> list) {
				return list.stream().allMatch(Produced::carriable);
			}
			return true;
		}

	}

}
