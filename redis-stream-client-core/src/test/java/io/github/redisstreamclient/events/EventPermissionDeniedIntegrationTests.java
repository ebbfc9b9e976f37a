package io.github.redisstreamclient.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.core.DocumentedAclRules;
import io.github.redisstreamclient.core.RetryPolicy;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A user that lacks one permission of the documented event-stream rule: publisher and consumer say what to grant,
 * at once, and the consumer does not read and handle the same entries again and again.
 */
class EventPermissionDeniedIntegrationTests {

	private static RedisServer redis;

	private final String prefix = "ev-" + UUID.randomUUID();

	private final String user = "denied-" + UUID.randomUUID().toString().substring(0, 8);

	private final String password = "pw-" + UUID.randomUUID();

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

	private LettuceConnectionFactory userWithout(String token) {
		String rule = DocumentedAclRules.rule("events",
				Map.of("user", this.user, "password", this.password, "prefix", this.prefix));
		redis.setUser(DocumentedAclRules.without(rule, token));
		return redis.connectionFactory(this.user, this.password);
	}

	private EventStreamConsumer.Builder consumer(LettuceConnectionFactory factory, EventHandler handler) {
		return EventStreamConsumer.builder(factory, "billing", handler)
			.prefix(this.prefix)
			.eventTypes(List.of("order.created"))
			.blockTime(Duration.ofMillis(200));
	}

	@Test
	void publishingWithoutXaddFailsAtOnceNamingTheGrant() {
		EventStreamPublisher publisher = EventStreamPublisher.builder(userWithout("+xadd"))
			.prefix(this.prefix)
			.retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10)))
			.build();

		assertThatThrownBy(() -> publisher.publish("order.created", Map.of("order", "o-1")))
			.isInstanceOf(EventPublishException.class)
			.hasMessageContaining("failed after 1 attempt(s)")
			.hasMessageContaining("Grant +xadd or the @stream category")
			.satisfies((ex) -> System.out.println("Publish NOPERM: " + ex.getMessage()));
	}

	@Test
	void consumerStartFailsWithoutXreadgroup() {
		EventStreamConsumer consumer = consumer(userWithout("+xreadgroup"), (event) -> {
		}).build();

		assertThatThrownBy(consumer::start).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageContaining("refused the command 'xreadgroup'")
			.hasMessageContaining("Grant +xreadgroup or the @stream category");
		assertThat(consumer.isRunning()).isFalse();
	}

	@Test
	void consumerStartFailsWithoutGroupCreation() {
		EventStreamConsumer consumer = consumer(userWithout("+xgroup|create"), (event) -> {
		}).build();

		assertThatThrownBy(consumer::start).isInstanceOf(PermissionDeniedDataAccessException.class)
			.hasMessageContaining("Grant +xgroup|create or the @stream category")
			.hasMessageContaining("'" + this.prefix + ":order.created'");
	}

	@Test
	void aConsumerThatMayNotAcknowledgeStopsReadingInsteadOfHandlingTheSameEventsForEver() {
		List<String> handled = new CopyOnWriteArrayList<>();
		try (EventStreamConsumer consumer = consumer(userWithout("+xack"),
				(event) -> handled.add(event.entryId())).reclaimInterval(Duration.ofMillis(200))
			.reclaimMinIdle(Duration.ofMillis(200))
			.build()) {
			consumer.start();
			EventStreamPublisher.builder(redis.connectionFactory()).prefix(this.prefix).build()
				.publish("order.created", Map.of("order", "o-1"));

			await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.isRunning());
			assertThat(handled).hasSize(1);
			// Reclaiming would deliver it again every 200 ms if the consumer went on.
			await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> handled.size() == 1);
		}
	}

}
