package io.github.redisstreamclient.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.redisstreamclient.core.StreamNotification.Type;
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
 * Stream ownership over TLS as a user that has exactly the ownership rule of docs/OPERATIONS.md: assignment, the
 * owned-stream reader, done, dead letters, handoff and failover all work, and Redis refused nothing but the one
 * {@code CONFIG GET} that {@code AUTO} tries (the ACL log says so). A permission the client needs and the rule
 * lacks fails these tests.
 */
class OwnershipAclIntegrationTests {

	private static RedisServer redis;

	private final String service = "svc-" + UUID.randomUUID();

	private final String user = "owner-" + UUID.randomUUID().toString().substring(0, 8);

	private final String password = "pw-" + UUID.randomUUID();

	private final ConsumerProcesses processes = new ConsumerProcesses();

	private LettuceConnectionFactory factory;

	@BeforeAll
	static void startRedis() {
		DocumentedAclRules.assumeRedis7();
		// The administrator sets the notifications; the rule gives the client no CONFIG.
		redis = RedisServer.builder().tls().args("--notify-keyspace-events", "Ex").start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void applyTheDocumentedRule() {
		redis.setUser(DocumentedAclRules.rule("ownership", Map.of("user", this.user, "password", this.password,
				"service", this.service, "data-streams", this.service + "-data-*", "db", "0")));
		// Every script starts with a NOSCRIPT, so EVAL is needed as after a Redis restart.
		redis.command("SCRIPT", "FLUSH");
		redis.command("ACL", "LOG", "RESET");
		this.factory = redis.connectionFactory(this.user, this.password);
	}

	@AfterEach
	void redisRefusedNothingButAutosConfigGet() {
		this.processes.close();
		if (redis != null) {
			assertThat(DocumentedAclRules.refusals(redis, this.user)).as("ACL LOG of %s", this.user)
				.allSatisfy((entry) -> assertThat(entry.get("object")).isEqualTo("config|get"));
		}
	}

	@Test
	void assignReadCommitRenewDoneAndDeadLetterWithTheDocumentedRule() {
		String data = this.service + "-data-1";
		List<String> ids = List.of((String) redis.command("XADD", data, "*", "n", "1"),
				(String) redis.command("XADD", data, "*", "n", "2"), (String) redis.command("XADD", data, "*", "n", "3"));
		try (TestConsumer consumer = TestConsumer.start(this.factory, this.service, "a", (b) -> b)) {
			LoadBalancerStream.of(this.factory, this.service).add(data, Map.of("k", "v"));
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.ownedNames().contains(data));
			OwnedStream stream = consumer.client.ownedStreams().iterator().next();

			assertThat(stream.read(10, Duration.ZERO)).extracting(StreamEntry::id).containsExactlyElementsOf(ids);
			stream.commit(ids.get(1));
			assertThat(stream.checkpoint()).contains(ids.get(1));
			// Held past the lease TTL: the renewals go through.
			await().during(Duration.ofMillis(1500))
				.atMost(Duration.ofSeconds(3))
				.until(() -> consumer.ownedNames().contains(data) && consumer.client.isRunning());
			stream.done();
			assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(0L);

			redis.command("XADD", this.service + "-input", "*", "not-lbs-input", "x");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Long.valueOf(1).equals(redis.command("XLEN", this.service + "-input:dlq")));
			assertThat(consumer.client.isRunning()).isTrue();
			assertThat(consumer.of(Type.STREAM_DISOWNED)).isEmpty();
		}
	}

	@Test
	void withSweepOnlyTheRuleNeedsNoKeyeventChannelAndRedisRefusesNothing() {
		String rule = DocumentedAclRules.rule("ownership", Map.of("user", this.user, "password", this.password,
				"service", this.service, "data-streams", this.service + "-data-*", "db", "0"));
		redis.setUser(DocumentedAclRules.without(rule, "&__keyevent@0__:expired"));
		ConsumerProcesses.Handle owner = this.processes.startAs(redis, this.user, this.password, this.service, "owner",
				Duration.ofSeconds(1), false, KeyspaceNotifications.OFF);
		String data = this.service + "-data-1";
		LoadBalancerStream.of(this.factory, this.service).add(data);
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED " + data), Duration.ofSeconds(10));
		try (TestConsumer survivor = TestConsumer.start(this.factory, this.service, "survivor",
				(b) -> b.autoClaim(true).keyspaceNotifications(KeyspaceNotifications.OFF))) {
			owner.kill();

			await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().contains(data));
			assertThat(survivor.client.expiryDetection()).isEqualTo("sweep");
		}
		// OFF never asks for CONFIG: nothing at all was refused.
		assertThat(DocumentedAclRules.refusals(redis, this.user)).isEmpty();
	}

	@Test
	void theDocumentedProducerRuleIsEnoughToFeedTheLbs() {
		String producer = "producer-" + UUID.randomUUID().toString().substring(0, 8);
		redis.setUser(DocumentedAclRules.rule("producer",
				Map.of("user", producer, "password", this.password, "service", this.service)));
		redis.command("ACL", "LOG", "RESET");

		String entryId = LoadBalancerStream.of(redis.connectionFactory(producer, this.password), this.service)
			.add(this.service + "-data-1", Map.of("k", "v"));

		assertThat(redis.command("XLEN", this.service + "-input")).isEqualTo(1L);
		assertThat(entryId).isNotBlank();
		assertThat(DocumentedAclRules.refusals(redis, producer)).isEmpty();
	}

	@Test
	void closeHandsStreamsOffWithTheDocumentedRule() {
		TestConsumer leaving = TestConsumer.start(this.factory, this.service, "leaving",
				(b) -> b.leaseTtl(Duration.ofSeconds(10)).lbsIdleTime(Duration.ofSeconds(30)));
		LoadBalancerStream lbs = LoadBalancerStream.of(this.factory, this.service);
		for (int i = 1; i <= 3; i++) {
			lbs.add(this.service + "-data-" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> leaving.client.ownedStreams().size() == 3);
		try (TestConsumer survivor = TestConsumer.start(this.factory, this.service, "survivor",
				(b) -> b.autoClaim(true).leaseTtl(Duration.ofSeconds(10)).lbsIdleTime(Duration.ofSeconds(30))
					.sweepInterval(Duration.ofMinutes(10)))) {
			leaving.close();

			// Well below both lease TTLs: only the handoff on close can move them this soon.
			await().pollInterval(Duration.ofMillis(10))
				.atMost(Duration.ofSeconds(5))
				.until(() -> survivor.client.ownedStreams().size() == 3);
		}
	}

	@Test
	void aKilledConsumersStreamIsClaimedOnItsExpiryWithTheDocumentedRule() {
		ConsumerProcesses.Handle owner = this.processes.startAs(redis, this.user, this.password, this.service, "owner",
				Duration.ofSeconds(1), false);
		String data = this.service + "-data-1";
		LoadBalancerStream.of(this.factory, this.service).add(data);
		owner.awaitLine((line) -> line.startsWith("STREAM_ADDED " + data), Duration.ofSeconds(10));
		// Go's way: the survivor claims on STREAM_EXPIRED, which it builds from the LBS entry (XRANGE).
		try (TestConsumer survivor = TestConsumer.start(this.factory, this.service, "survivor",
				(b) -> b.sweepInterval(Duration.ofMinutes(10)), TestConsumer::claimOnExpired)) {
			owner.kill();

			await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().contains(data));
			assertThat(survivor.of(Type.STREAM_EXPIRED)).extracting(StreamNotification::streamName).contains(data);
			assertThat(survivor.client.expiryDetection()).isEqualTo("notifications+sweep");
		}
	}

}
