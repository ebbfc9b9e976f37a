package io.github.redisstreamclient.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.redisstreamclient.fuzz.BadInput;
import io.github.redisstreamclient.fuzz.Fuzz;
import io.github.redisstreamclient.fuzz.Fuzz.Shrinker;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the event decoder over generated bad input: whatever is in the {@code event} field, the decoder
 * returns an event or rejects it with a short reason for the dead-letter stream, and nothing else escapes. A failure
 * prints its seed; see {@link Fuzz} for the replay.
 */
class EventCodecFuzzTests {

	/** A reason is stored with every dead letter: it may quote the input, but never a megabyte of it. */
	static final int MAX_REASON_LENGTH = 1_000;

	@Test
	void anyEventFieldIsDecodedOrRejectedWithAShortReason() {
		Fuzz.check(2_000, BadInput::anyEventJson, Shrinker.strings(), EventCodecFuzzTests::decodedOrRejected);
	}

	@Test
	void hugeAndDeeplyNestedEventsAreDecodedOrRejectedWithAShortReason() {
		Fuzz.check(24,
				(random) -> random.nextBoolean() ? BadInput.huge(random)
						: BadInput.deep(random, 1_000 + random.nextInt(50_000)),
				Shrinker.strings(), EventCodecFuzzTests::decodedOrRejected);
	}

	@Test
	void whatIsEncodedIsDecodedBackThroughUtf8() {
		Fuzz.check(500, EventCodecFuzzTests::event, (event) -> List.of(), (event) -> {
			String json = EventCodec.encode(event);
			String stored = new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
			Event decoded = EventCodec.decode(stored);
			assertThat(decoded.id()).isEqualTo(event.id());
			assertThat(decoded.type()).isEqualTo(event.type());
			assertThat(decoded.metadata()).isEqualTo(event.metadata());
			assertThat(decoded.timestamp()).isEqualTo(event.timestamp());
			// The same JSON: a long 964 comes back as an int node, a double 0.1 as the decimal 0.1.
			assertThat(decoded.payload().equals(EventCodecFuzzTests::sameValue, event.payload()))
				.as("payload %s equals %s", decoded.payload(), event.payload())
				.isTrue();
		});
	}

	static void decodedOrRejected(String json) {
		Event event;
		try {
			event = EventCodec.decode(json);
		}
		catch (EventCodec.MalformedEventException ex) {
			assertThat(ex.getMessage()).isNotBlank();
			assertThat(ex.getMessage().length()).as("reason length").isLessThanOrEqualTo(MAX_REASON_LENGTH);
			assertThat(BadInput.isWellFormed(ex.getMessage())).as("reason is valid Unicode, so Redis stores it as it is")
				.isTrue();
			return;
		}
		assertThat(event.id()).isNotNull();
		assertThat(event.type()).isNotNull();
		assertThat(event.payload()).isNotNull();
		assertThat(event.metadata()).doesNotContainValue(null);
		assertThat(event.timestamp()).isNotNull();
	}


	private static int sameValue(JsonNode a, JsonNode b) {
		if (a.isNumber() && b.isNumber()) {
			return a.decimalValue().compareTo(b.decimalValue());
		}
		return a.equals(b) ? 0 : 1;
	}

	/** An event as the publisher makes one: its payload converted from plain Java values. */
	private static Event event(Random random) {
		Map<String, String> metadata = new LinkedHashMap<>();
		for (int i = random.nextInt(4); i > 0; i--) {
			metadata.put(BadInput.wellFormed(BadInput.text(random, 10)), BadInput.wellFormed(BadInput.text(random, 20)));
		}
		long seconds = Instant.MIN.getEpochSecond()
				+ (long) (random.nextDouble() * ((double) Instant.MAX.getEpochSecond() - Instant.MIN.getEpochSecond()));
		Instant timestamp = switch (random.nextInt(4)) {
			case 0 -> Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
			case 1 -> Instant.ofEpochMilli(random.nextLong() >> 20);
			default -> Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000_000));
		};
		return new Event(BadInput.wellFormed(BadInput.text(random, 40)), BadInput.wellFormed(BadInput.text(random, 20)),
				EventCodec.MAPPER.valueToTree(value(random, 3)), metadata, timestamp);
	}

	private static Object value(Random random, int depth) {
		int choice = random.nextInt((depth <= 0) ? 8 : 10);
		return switch (choice) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> random.nextLong() >> random.nextInt(64);
			case 3 -> new BigInteger(100, random);
			case 4 -> new BigDecimal(new BigInteger(60, random), random.nextInt(40) - 20);
			case 5 -> random.nextDouble() * Math.pow(10, random.nextInt(600) - 300);
			case 6, 7 -> BadInput.wellFormed(BadInput.text(random, 20));
			case 8 -> {
				Map<String, Object> map = new LinkedHashMap<>();
				for (int i = random.nextInt(4); i > 0; i--) {
					map.put(BadInput.wellFormed(BadInput.text(random, 8)), value(random, depth - 1));
				}
				yield map;
			}
			default -> {
				List<Object> list = new ArrayList<>();
				for (int i = random.nextInt(4); i > 0; i--) {
					list.add(value(random, depth - 1));
				}
				yield list;
			}
		};
	}


}
