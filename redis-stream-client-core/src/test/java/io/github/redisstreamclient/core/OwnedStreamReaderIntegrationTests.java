package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.redisstreamclient.test.RedisServer;
import io.github.redisstreamclient.test.RedisTest;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The owned-stream reader: a data stream read from its checkpoint, a checkpoint only the current owner moves, and a
 * takeover that resumes after the last committed entry.
 */
@RedisTest
class OwnedStreamReaderIntegrationTests {

	private final String service = "svc-" + UUID.randomUUID();

	private final String data = "data-" + UUID.randomUUID();

	private List<String> writeData(RedisServer redis, int count) {
		return java.util.stream.IntStream.rangeClosed(1, count)
			.mapToObj((i) -> (String) redis.command("XADD", this.data, "*", "n", Integer.toString(i)))
			.toList();
	}

	private static OwnedStream awaitOwned(TestConsumer consumer) {
		await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 1);
		return consumer.client.ownedStreams().iterator().next();
	}

	@Test
	void readsFromTheStartThenOnFromWhereItLeftOff(RedisServer redis, LettuceConnectionFactory factory) {
		List<String> ids = writeData(redis, 5);
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a", (b) -> b)) {
			LoadBalancerStream.of(factory, this.service).add(this.data);
			OwnedStream stream = awaitOwned(consumer);

			List<StreamEntry> first = stream.read(3, Duration.ZERO);
			List<StreamEntry> rest = stream.read(10, Duration.ZERO);

			assertThat(first).extracting(StreamEntry::id).containsExactlyElementsOf(ids.subList(0, 3));
			assertThat(first.get(0).fields()).containsEntry("n", "1");
			assertThat(rest).extracting(StreamEntry::id).containsExactlyElementsOf(ids.subList(3, 5));
			assertThat(stream.read(10, Duration.ofMillis(100))).isEmpty();
			assertThat(stream.checkpoint()).isEmpty();
		}
	}

	@Test
	void takeoverResumesAfterTheLastCommittedEntry(RedisServer redis, LettuceConnectionFactory factory) {
		List<String> ids = writeData(redis, 6);
		TestConsumer first = TestConsumer.start(factory, this.service, "first", (b) -> b);
		LoadBalancerStream.of(factory, this.service).add(this.data);
		OwnedStream firstStream = awaitOwned(first);
		List<StreamEntry> processed = firstStream.read(4, Duration.ZERO);
		firstStream.commit(processed.get(2).id()); // the 4th entry was read but not committed
		try (TestConsumer second = TestConsumer.start(factory, this.service, "second", (b) -> b.autoClaim(true))) {
			first.close();
			OwnedStream secondStream = awaitOwned(second);

			assertThat(firstStream.cancellation()).isCompleted();
			assertThat(secondStream.checkpoint()).contains(ids.get(2));
			assertThat(secondStream.read(10, Duration.ZERO)).extracting(StreamEntry::id)
				.containsExactlyElementsOf(ids.subList(3, 6));
		}
	}

	@Test
	void staleOwnerCannotCommitAfterATakeover(RedisServer redis, LettuceConnectionFactory factory) {
		List<String> ids = writeData(redis, 3);
		try (TestConsumer stale = TestConsumer.start(factory, this.service, "stale", (b) -> b);
				TestConsumer taker = TestConsumer.start(factory, this.service, "taker", (b) -> b)) {
			String entryId = LoadBalancerStream.of(factory, this.service).add(this.data);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> stale.client.ownedStreams().size() + taker.client.ownedStreams().size() == 1);
			TestConsumer owner = stale.client.ownedStreams().isEmpty() ? taker : stale;
			TestConsumer other = (owner == stale) ? taker : stale;
			OwnedStream ownerStream = owner.client.ownedStreams().iterator().next();
			ownerStream.commit(ids.get(0));
			// The owner's session lapses (as in a stall) and the other consumer claims the stream.
			// (The owner's renewer may start a new session in between: then lapse it again.)
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				redis.command("DEL", "{" + this.service + "-input}:session:" + owner.client.id());
				return other.client.claim(new StreamRef(this.data, entryId));
			});

			assertThatThrownBy(() -> ownerStream.commit(ids.get(2))).isInstanceOf(StreamNotOwnedException.class);

			assertThat(redis.command("HGET", "{" + this.service + "-input}:checkpoint", this.data))
				.isEqualTo(ids.get(0));
			await().atMost(Duration.ofSeconds(5)).until(() -> ownerStream.cancellation().isDone());
			assertThat(other.client.ownedStreams().iterator().next().read(10, Duration.ZERO))
				.extracting(StreamEntry::id)
				.containsExactlyElementsOf(ids.subList(1, 3));
		}
	}

}
