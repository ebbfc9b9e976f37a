package io.github.redisstreamclient.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.github.redisstreamclient.core.internal.EntryFields;
import io.github.redisstreamclient.core.internal.LbsMessages;
import io.github.redisstreamclient.core.internal.LbsMessages.MalformedEntryException;
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
 * Generated bad LBS entries among good ones, against a real Redis: each bad entry ends in the dead-letter stream
 * byte for byte with its reason, each good one is assigned, the reader goes on, and nothing escapes.
 */
@RedisTest
class BadLbsEntriesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String service = "bad-" + UUID.randomUUID();

	private final String lbs = this.service + "-input";

	private final String deadLetters = this.service + "-input:dlq";

	@Test
	void badEntriesAreDeadLetteredExactlyWithTheirReasonAndTheReaderGoesOn(RedisServer redis,
			LettuceConnectionFactory factory) {
		Fuzz.run((random) -> {
			try (RawStreams raw = new RawStreams(redis.uri()); Trouble trouble = Trouble.watch()) {
				run(random, redis, factory, raw, trouble);
			}
		});
	}

	private void run(Random random, RedisServer redis, LettuceConnectionFactory factory, RawStreams raw,
			Trouble trouble) {
		String group = this.service + "-group";
		redis.command("XGROUP", "CREATE", this.lbs, group, "$", "MKSTREAM");
		List<Sent> sent = new ArrayList<>();
		// Delivered to a consumer that vanished: pending without a lease, so the sweep finds them and they are
		// dead-lettered through a claim.
		sent.add(send(raw, List.of(utf8("lbs-input"), notUtf8("{\"DataStreamName\":\"claimed-\u00ff\"}"))));
		sent.add(send(raw, List.of(utf8("lbs-input"), utf8("{\"DataStreamName\":\"ok\"}"), utf8("lbs-input"),
				utf8("{\"DataStreamName\":12}"))));
		redis.command("XREADGROUP", "GROUP", group, "ghost", "COUNT", "10", "STREAMS", this.lbs, ">");

		for (int i = 0; i < 40; i++) {
			if (i % 4 == 0) {
				sent.add(send(raw, good("good-" + i)));
			}
			Map<String, String> fields = BadInput.lbsFields(random);
			if (!fields.isEmpty()) {
				sent.add(send(raw, pairs(fields)));
			}
		}
		// Several megabytes, cut short.
		sent.add(send(raw, List.of(utf8("lbs-input"), utf8("{\"DataStreamName\":\"" + "u".repeat(BadInput.HUGE)))));
		// Not UTF-8, in a field name and in lbs-input.
		sent.add(send(raw, List.of(notUtf8("f\u00ff"), notUtf8("v\u00fe"), utf8("lbs-input"),
				notUtf8("{\"DataStreamName\":\"s\u00ff\"}"))));
		// A field twice: the last lbs-input counts, as for the Go client, and the dead letter keeps both.
		sent.add(send(raw, List.of(utf8("lbs-input"), utf8(LbsMessages.format("first", Map.of())), utf8("lbs-input"),
				utf8("{\"DataStreamName\":[]}"))));
		// Fields named like those the dead letter appends: the producer's stay too.
		sent.add(send(raw, List.of(utf8("reason"), utf8("mine"), utf8("consumer"), utf8("me"), utf8("lbs-input"),
				utf8("[]"))));
		List<Sent> bad = sent.stream().filter((s) -> s.reason() != null).toList();
		List<Sent> good = sent.stream().filter((s) -> s.reason() == null).toList();
		assertThat(bad).hasSizeGreaterThan(20);

		// Room for the good streams, one read batch (the reader holds its permits while it blocks) and one claim:
		// a permit kept for each bad entry (there are over 20) would soon stop the reader.
		int batch = 7;
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
				(b) -> b.autoClaim(true).maxOwnedStreams(good.size() + 1 + batch + 1).lbsBatchSize(batch))) {
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(assignedIds(consumer)).hasSize(good.size());
				assertThat(redis.command("XLEN", this.deadLetters)).isEqualTo((long) bad.size());
			});

			// The reader goes on after the bad entries.
			String after = LoadBalancerStream.of(factory, this.service).add("after-the-bad-ones");
			await().atMost(WAIT).until(() -> assignedIds(consumer).contains(after));

			List<String> expected = new ArrayList<>(good.stream().map(Sent::id).toList());
			expected.add(after);
			assertThat(assignedIds(consumer)).containsExactlyInAnyOrderElementsOf(expected);
			List<RawStreams.Entry> letters = raw.range(this.deadLetters);
			assertThat(letters).hasSize(bad.size());
			for (Sent entry : bad) {
				List<RawStreams.Entry> matching = letters.stream()
					.filter((letter) -> entry.id().equals(letter.text("lbs-entry-id")))
					.toList();
				assertThat(matching).as("dead letters of %s", entry.id()).hasSize(1);
				assertExactCopyWithReason(matching.get(0), entry);
			}
			assertThat(raw.range(this.lbs)).extracting(RawStreams.Entry::id)
				.as("bad entries are deleted from the LBS")
				.containsExactlyInAnyOrderElementsOf(assignedIds(consumer));

			consumer.client.ownedStreams().forEach(OwnedStream::done);
			assertThat(redis.command("XLEN", this.lbs)).isEqualTo(0L);
			assertThat(((List<?>) redis.command("XPENDING", this.lbs, group)).get(0)).isEqualTo(0L);
		}
		assertThat(trouble.uncaught()).isEmpty();
		assertThat(trouble.unexpectedWarnings("Malformed LBS entry")).isEmpty();
	}

	/** The entry's own pairs unchanged and in order, then the reason, the entry id and the consumer. */
	private void assertExactCopyWithReason(RawStreams.Entry letter, Sent entry) {
		List<byte[]> pairs = letter.pairs();
		assertThat(pairs).hasSize(entry.pairs().size() + 6);
		for (int i = 0; i < entry.pairs().size(); i++) {
			assertThat(Arrays.equals(pairs.get(i), entry.pairs().get(i))).as("field or value %d of %s, byte for byte", i, entry.id())
				.isTrue();
		}
		List<byte[]> appended = pairs.subList(entry.pairs().size(), pairs.size());
		assertThat(new String(appended.get(0), StandardCharsets.UTF_8)).isEqualTo("reason");
		assertThat(new String(appended.get(1), StandardCharsets.UTF_8)).isEqualTo(entry.reason())
			.hasSizeLessThanOrEqualTo(1_000);
		assertThat(new String(appended.get(3), StandardCharsets.UTF_8)).isEqualTo(entry.id());
		assertThat(new String(appended.get(5), StandardCharsets.UTF_8)).isEqualTo("redis-consumer-a");
	}

	private Sent send(RawStreams raw, List<byte[]> pairs) {
		String id = raw.add(this.lbs, pairs);
		try {
			LbsMessages.parse(EntryFields.ofFlat(pairs));
			return new Sent(id, pairs, null);
		}
		catch (MalformedEntryException ex) {
			return new Sent(id, pairs, ex.getMessage());
		}
	}

	private static List<String> assignedIds(TestConsumer consumer) {
		return consumer.of(StreamNotification.Type.STREAM_ADDED).stream().map((n) -> n.stream().lbsEntryId()).toList();
	}

	private static List<byte[]> good(String name) {
		return List.of(utf8(LbsMessages.FIELD), utf8(LbsMessages.format(name, Map.of("n", 1))));
	}

	private static List<byte[]> pairs(Map<String, String> fields) {
		List<byte[]> pairs = new ArrayList<>();
		new LinkedHashMap<>(fields).forEach((field, value) -> {
			pairs.add(utf8(field));
			pairs.add(utf8(value));
		});
		return pairs;
	}

	/** {@code text} as ISO-8859-1: each char above 0x7f becomes one byte that starts no UTF-8 sequence here. */
	private static byte[] notUtf8(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	/** An entry put on the LBS, with the reason the parser gives it, {@code null} when it is good. */
	record Sent(String id, List<byte[]> pairs, String reason) {
	}

}
