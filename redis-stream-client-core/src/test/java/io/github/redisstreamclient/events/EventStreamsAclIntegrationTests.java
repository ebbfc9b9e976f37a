package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.redisstreamclient.core.DocumentedAclRules;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event streams over TLS as a user that has exactly the event-stream rule of docs/OPERATIONS.md: publish, consume
 * with ACK, retries ending in the dead-letter stream, replay, reclaim and leaving the group all work, and Redis
 * refused nothing (the ACL log says so). A permission the client needs and the rule lacks fails this test.
 */
class EventStreamsAclIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static RedisServer redis;

	private final String prefix = "ev-" + UUID.randomUUID();

	private final String user = "events-" + UUID.randomUUID().toString().substring(0, 8);

	private final String password = "pw-" + UUID.randomUUID();

	private LettuceConnectionFactory factory;

	@BeforeAll
	static void startRedis() {
		DocumentedAclRules.assumeRedis7();
		redis = RedisServer.startTls();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void applyTheDocumentedRule() {
		redis.setUser(DocumentedAclRules.rule("events",
				Map.of("user", this.user, "password", this.password, "prefix", this.prefix)));
		redis.command("ACL", "LOG", "RESET");
		this.factory = redis.connectionFactory(this.user, this.password);
	}

	@AfterEach
	void redisRefusedNothing() {
		if (redis != null) {
			assertThat(DocumentedAclRules.refusals(redis, this.user)).as("ACL LOG of %s", this.user).isEmpty();
		}
	}

	@Test
	void publishConsumeDeadLetterReplayAndLeaveWithTheDocumentedRule() {
		EventStreamPublisher publisher = EventStreamPublisher.builder(this.factory).prefix(this.prefix).build();
		AtomicBoolean fixed = new AtomicBoolean();
		List<String> handled = new CopyOnWriteArrayList<>();
		EventHandler handler = (received) -> {
			String order = received.event().payload().get("order").asString();
			if (order.startsWith("poison") && !fixed.get()) {
				throw new IllegalStateException("cannot handle " + order);
			}
			handled.add(order);
		};
		String stream = this.prefix + ":order.created";
		try (EventStreamConsumer consumer = EventStreamConsumer.builder(this.factory, "billing", handler)
			.prefix(this.prefix)
			.eventTypes(List.of("order.created"))
			.consumerName("billing-1")
			.blockTime(Duration.ofMillis(200))
			.maxDeliveries(2)
			.retryBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
			.reclaimInterval(Duration.ofMillis(300))
			.build()) {
			consumer.start();
			publisher.publish("order.created", Map.of("order", "o-1"));
			publisher.publish("order.created", Map.of("order", "poison-1"));

			DeadLetters deadLetters = DeadLetters.of(this.factory, this.prefix);
			await().atMost(WAIT).until(() -> handled.contains("o-1") && deadLetters.list(10).size() == 1);
			assertThat(deadLetters.list(10).get(0).deliveryCount()).isEqualTo(2);
			assertThat(((List<?>) redis.command("XPENDING", stream, "billing")).get(0)).isEqualTo(0L);

			fixed.set(true);
			assertThat(deadLetters.replay(10)).isEqualTo(1);
			await().atMost(WAIT).until(() -> handled.contains("poison-1"));
			assertThat(deadLetters.list(10)).isEmpty();
			await().atMost(WAIT).until(() -> ((List<?>) redis.command("XPENDING", stream, "billing")).get(0).equals(0L));
		}
		// Nothing pending: the consumer left the group.
		await().atMost(WAIT).until(() -> ((List<?>) redis.command("XINFO", "CONSUMERS", stream, "billing")).isEmpty());
	}

}
