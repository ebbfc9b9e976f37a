package io.github.redisstreamclient.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.github.redisstreamclient.core.internal.EntryFields;
import io.github.redisstreamclient.fuzz.BadInput;
import io.github.redisstreamclient.fuzz.Fuzz;
import io.github.redisstreamclient.fuzz.RawStreams;
import io.github.redisstreamclient.fuzz.Trouble;
import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.github.redisstreamclient.fuzz.RawStreams.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Generated bad entries among good events on an event stream, against a real Redis: each bad entry ends in the
 * dead-letter stream byte for byte with its error, each good event is handled, the reader goes on, and nothing
 * escapes.
 */
@RedisTest
class BadEventsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String TYPE = "order.created";

	private final String prefix = "bad-" + UUID.randomUUID();

	private final String stream = this.prefix + ":" + TYPE;

	private final String group = "billing";

	@Test
	void badEntriesAreDeadLetteredExactlyWithTheirErrorAndTheReaderGoesOn(RedisServer redis,
			LettuceConnectionFactory factory) {
		Fuzz.run((random) -> {
			try (RawStreams raw = new RawStreams(redis.uri()); Trouble trouble = Trouble.watch()) {
				run(random, redis, factory, raw, trouble);
			}
		});
	}

	private void run(Random random, RedisServer redis, LettuceConnectionFactory factory, RawStreams raw,
			Trouble trouble) throws Exception {
		EventStreamPublisher publisher = EventStreamPublisher.builder(factory).prefix(this.prefix).build();
		redis.command("XGROUP", "CREATE", this.stream, this.group, "0", "MKSTREAM");
		List<Sent> sent = new ArrayList<>();
		// Left pending by a consumer that crashed: reclaimed, so dead-lettered from an XCLAIM.
		sent.add(send(raw, List.of(utf8("event"), notUtf8("{\"id\":\"\u00ff\",\"type\":\"t\",\"payload\":1,"
				+ "\"timestamp\":\"2025-01-01T00:00:00Z\"}"))));
		sent.add(send(raw, List.of(utf8("event"), utf8(EventCodec.encode(EventCodec.create(TYPE, "ok", Map.of()))),
				utf8("event"), utf8("{\"id\":7}"))));
		redis.command("XREADGROUP", "GROUP", this.group, "crashed", "COUNT", "10", "STREAMS", this.stream, ">");

		for (int i = 0; i < 40; i++) {
			if (i % 4 == 0) {
				String id = publisher.publish(TYPE, "good-" + i);
				sent.add(new Sent(id, List.of(), null));
			}
			sent.add(send(raw, switch (random.nextInt(8)) {
				case 0 -> List.of(utf8("payload"), utf8(BadInput.text(random, 20)));
				case 1 -> List.of(utf8("event"), utf8(BadInput.anyEventJson(random)), utf8(BadInput.text(random, 5)),
						utf8(BadInput.text(random, 5)));
				default -> List.of(utf8("event"), utf8(BadInput.anyEventJson(random)));
			}));
		}
		// Several megabytes, cut short.
		sent.add(send(raw, List.of(utf8("event"), utf8("{\"id\":\"e\",\"payload\":\"" + "p".repeat(BadInput.HUGE)))));
		// Not UTF-8, in a field name and in the event.
		sent.add(send(raw, List.of(notUtf8("f\u00ff"), notUtf8("v\u00fe"), utf8("event"), notUtf8("{\"id\":\"\u00fe"))));
		// A field twice: the last event counts, and the dead letter keeps both.
		sent.add(send(raw, List.of(utf8("event"), utf8(EventCodec.encode(EventCodec.create(TYPE, "first", Map.of()))),
				utf8("event"), utf8("{\"id\":[]}"))));
		// Fields named like those the dead letter appends: the producer's stay too.
		sent.add(send(raw, List.of(utf8("error"), utf8("mine"), utf8("original_id"), utf8("0-1"), utf8("event"),
				utf8("[]"))));
		List<Sent> bad = sent.stream().filter((s) -> s.error() != null).toList();
		List<Sent> good = sent.stream().filter((s) -> s.error() == null).toList();
		assertThat(bad).hasSizeGreaterThan(20);

		RecordingHandler handler = RecordingHandler.accepting();
		try (EventStreamConsumer consumer = EventStreamConsumer.builder(factory, this.group, handler)
			.prefix(this.prefix)
			.eventTypes(List.of(TYPE))
			.batchSize(7)
			.blockTime(Duration.ofMillis(200))
			.reclaimMinIdle(Duration.ofMillis(300))
			.reclaimInterval(Duration.ofMillis(200))
			.build()) {
			consumer.start();
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(handler.completed).hasSize(good.size());
				assertThat(redis.command("XLEN", this.prefix + ":dlq")).isEqualTo((long) bad.size());
			});

			// The reader goes on after the bad entries.
			String after = publisher.publish(TYPE, "after-the-bad-ones");
			await().atMost(WAIT).until(() -> handler.completedEntryIds().contains(after));

			List<String> expected = new ArrayList<>(good.stream().map(Sent::id).toList());
			expected.add(after);
			assertThat(handler.completedEntryIds()).containsExactlyInAnyOrderElementsOf(expected);
			List<RawStreams.Entry> letters = raw.range(this.prefix + ":dlq");
			assertThat(letters).hasSize(bad.size());
			for (Sent entry : bad) {
				List<RawStreams.Entry> matching = letters.stream()
					.filter((letter) -> entry.id().equals(letter.text(DeadLetterWriter.ORIGINAL_ID)))
					.toList();
				assertThat(matching).as("dead letters of %s", entry.id()).hasSize(1);
				assertExactCopyWithError(matching.get(0), entry);
			}
			await().atMost(WAIT).until(() -> ((List<?>) redis.command("XPENDING", this.stream, this.group)).get(0)
				.equals(0L));
		}
		assertThat(trouble.uncaught()).isEmpty();
		assertThat(trouble.unexpectedWarnings("Entry ")).isEmpty();
	}

	@Test
	void aReplayPutsBackTheEventFieldByteForByte(RedisServer redis, LettuceConnectionFactory factory) throws Exception {
		byte[] notUtf8 = notUtf8("{\"id\":\"\u00ff\"}");
		try (RawStreams raw = new RawStreams(redis.uri());
				EventStreamConsumer consumer = EventStreamConsumer.builder(factory, this.group, RecordingHandler.accepting())
					.prefix(this.prefix)
					.eventTypes(List.of(TYPE))
					.blockTime(Duration.ofMillis(200))
					.build()) {
			raw.add(this.stream, List.of(utf8("event"), notUtf8));
			consumer.start();
			await().atMost(WAIT).until(() -> raw.range(this.prefix + ":dlq").size() == 1);

			assertThat(DeadLetters.of(factory, this.prefix).replay(10)).isEqualTo(1);

			// Read again, still not UTF-8, dead-lettered again: the same bytes all the way.
			await().atMost(WAIT).until(() -> raw.range(this.prefix + ":dlq").size() == 1
					&& raw.range(this.stream).size() == 2);
			assertThat(raw.range(this.stream).get(1).pairs()).satisfiesExactly(
					(field) -> assertThat(field).isEqualTo(utf8("event")),
					(value) -> assertThat(value).isEqualTo(notUtf8));
			assertThat(raw.range(this.prefix + ":dlq").get(0).pairs().get(1)).isEqualTo(notUtf8);
		}
	}

	/** The entry's own pairs unchanged and in order, then why, and where from. */
	private void assertExactCopyWithError(RawStreams.Entry letter, Sent entry) {
		List<byte[]> pairs = letter.pairs();
		assertThat(pairs).hasSize(entry.pairs().size() + 10);
		for (int i = 0; i < entry.pairs().size(); i++) {
			assertThat(Arrays.equals(pairs.get(i), entry.pairs().get(i))).as("field or value %d of %s, byte for byte", i, entry.id())
				.isTrue();
		}
		List<String> appended = pairs.subList(entry.pairs().size(), pairs.size())
			.stream()
			.map((bytes) -> new String(bytes, StandardCharsets.UTF_8))
			.toList();
		assertThat(appended.get(0)).isEqualTo(DeadLetterWriter.ERROR);
		assertThat(appended.get(1)).isEqualTo(entry.error()).hasSizeLessThanOrEqualTo(1_000);
		assertThat(appended.subList(2, 8)).containsExactly(DeadLetterWriter.ORIGINAL_TYPE, TYPE,
				DeadLetterWriter.ORIGINAL_STREAM, this.stream, DeadLetterWriter.ORIGINAL_ID, entry.id());
	}

	private Sent send(RawStreams raw, List<byte[]> pairs) {
		String id = raw.add(this.stream, pairs);
		try {
			EventCodec.decode(EntryFields.ofFlat(pairs));
			return new Sent(id, pairs, null);
		}
		catch (EventCodec.MalformedEventException ex) {
			return new Sent(id, pairs, "Malformed event: " + ex.getMessage());
		}
	}

	/** {@code text} as ISO-8859-1: each char above 0x7f becomes one byte that starts no UTF-8 sequence here. */
	private static byte[] notUtf8(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	/** An entry put on the stream, with the error its dead letter must carry, {@code null} when it is good. */
	record Sent(String id, List<byte[]> pairs, String error) {
	}

}
