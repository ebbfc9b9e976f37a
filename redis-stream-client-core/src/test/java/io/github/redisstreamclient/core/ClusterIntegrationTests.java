package io.github.redisstreamclient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisCluster;
import io.github.redisstreamclient.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client, unchanged, on a local Redis Cluster of 3 masters and 3 replicas: every key of a service lives in the
 * LBS's slot, keyevent notifications come from the node owning that slot, and a master failover loses nothing.
 */
class ClusterIntegrationTests {

	private static RedisCluster cluster;

	private final String service = "svc-" + UUID.randomUUID();

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void ownershipAndFailoverOnTheClusterUseKeyeventNotifications() {
		LettuceConnectionFactory factory = cluster.connectionFactory();
		try (ConsumerProcesses processes = new ConsumerProcesses()) {
			// Any live node: another test may have killed a master.
			RedisServer seed = cluster.nodes().stream().filter(RedisServer::isRunning).findFirst().orElseThrow();
			ConsumerProcesses.Handle owner = processes.startOnCluster(seed, this.service, "owner",
					Duration.ofSeconds(1), false);
			LoadBalancerStream.of(factory, this.service).add("session-1");
			owner.awaitLine((line) -> line.startsWith("STREAM_ADDED session-1"), Duration.ofSeconds(10));
			List<Long> claimedAt = new CopyOnWriteArrayList<>();
			// No sweep within the test's time: only a keyevent from the slot's master can tell the survivor.
			try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
					(b) -> b.sweepInterval(Duration.ofMinutes(5)), (client, n) -> {
						if (n.type() == Type.STREAM_EXPIRED && client.claim(n.stream())) {
							claimedAt.add(System.nanoTime());
						}
					})) {
				assertThat(survivor.client.expiryDetection()).isEqualTo("notifications+sweep");
				long killedAt = System.nanoTime();

				owner.kill();

				await().atMost(Duration.ofSeconds(10)).until(() -> !claimedAt.isEmpty());
				Duration failover = Duration.ofNanos(claimedAt.get(0) - killedAt);
				System.out.println("Cluster failover (kill -> claim): " + failover.toMillis() + " ms");
				assertThat(failover).isLessThanOrEqualTo(Duration.ofMillis(1500));
				assertThat(survivor.ownedNames()).containsExactly("session-1");
			}
		}
	}

	@Test
	void masterFailoverLosesNoEntryAndTheSessionKeepsRenewing() {
		LettuceConnectionFactory factory = cluster.connectionFactory();
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		try (TestConsumer consumer = TestConsumer.start(factory, this.service, "a",
				(b) -> b.leaseTtl(Duration.ofSeconds(2)).lbsIdleTime(Duration.ofSeconds(6))
					.retryPolicy(RetryPolicy.unlimited()))) {
			for (int i = 1; i <= 20; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> consumer.client.ownedStreams().size() == 20);
			// Replication is asynchronous: make sure the replica has the owner hash and the pending list.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> lengthOnReplica() == 20L);

			cluster.killMasterFor(this.service + "-input");
			Instant afterFailover = Instant.now();

			await().atMost(Duration.ofSeconds(30))
				.until(() -> consumer.client.lastRenewal() != null && consumer.client.lastRenewal().isAfter(afterFailover));
			lbs.add("stream-21");
			await().atMost(Duration.ofSeconds(30)).until(() -> consumer.client.ownedStreams().size() == 21);
			assertThat(consumer.of(Type.STREAM_DISOWNED)).isEmpty();
			assertThat(cluster.masterFor(this.service + "-input").command("XLEN", this.service + "-input"))
				.isEqualTo(21L);
		}
	}

	@Test
	void everyNodeReplicasIncludedPublishesExpiredEventsSoAPromotedReplicaNeedsNoSweep() {
		// Another test may have killed a master: its replica took over, the dead node stays down.
		List<RedisServer> nodes = cluster.nodes().stream().filter(RedisServer::isRunning).toList();
		assertThat(nodes).hasSizeGreaterThanOrEqualTo(5);
		for (RedisServer node : nodes) {
			node.command("CONFIG", "SET", "notify-keyspace-events", "");
		}
		try (TestConsumer consumer = TestConsumer.start(cluster.connectionFactory(), this.service, "flags",
				(b) -> b.sweepInterval(Duration.ofMinutes(5)))) {
			assertThat(consumer.client.expiryDetection()).isEqualTo("notifications+sweep");
			for (RedisServer node : nodes) {
				String flags = String.valueOf(((List<?>) node.command("CONFIG", "GET", "notify-keyspace-events")).get(1));
				assertThat(flags).as("flags of %s", node).contains("E").containsAnyOf("x", "A");
			}
		}
	}

	private long lengthOnReplica() {
		RedisServer replica = cluster.replicaOf(cluster.masterFor(this.service + "-input"));
		replica.command("READONLY");
		Object length = replica.command("XLEN", this.service + "-input");
		return (length instanceof Long value) ? value : -1;
	}

}
