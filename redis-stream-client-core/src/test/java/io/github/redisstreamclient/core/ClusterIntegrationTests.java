package io.github.redisstreamclient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.github.redisstreamclient.core.StreamNotification.Type;
import io.github.redisstreamclient.test.RedisCluster;
import io.github.redisstreamclient.test.RedisServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
	void ownersKeepEveryStreamThroughAMasterFailoverAndTheProducerWaitsOnlyForThePromotion() throws Exception {
		String lbsKey = this.service + "-input";
		SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
		SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
		LoadBalancerStream lbs = LoadBalancerStream.of(cluster.connectionFactory(), this.service);
		// The TTL is about twice the outage (the promotion takes 2-3 s here). A session renewed last just before the
		// kill has 2/3 of it left; within that a failed renewal is retried every 100 ms and reaches the new master
		// about a second after the promotion, at the client's next topology refresh.
		UnaryOperator<RecoverableStreamClient.Builder> options = (b) -> b.leaseTtl(Duration.ofSeconds(6))
			.lbsIdleTime(Duration.ofSeconds(15))
			.retryPolicy(RetryPolicy.unlimited());
		try (TestConsumer a = TestConsumer.start(cluster.connectionFactory(), this.service, "a",
				(b) -> options.apply(b).meterRegistry(metricsA));
				TestConsumer b = TestConsumer.start(cluster.connectionFactory(), this.service, "b",
						(builder) -> options.apply(builder).meterRegistry(metricsB))) {
			for (int i = 1; i <= 20; i++) {
				lbs.add("stream-" + i);
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> a.client.ownedStreams().size() + b.client.ownedStreams().size() == 20);
			// Replication is asynchronous: make sure the replica has the owner hash before its master dies.
			await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(20).equals(onReplica("HLEN", owners())));
			Map<String, String> ownersBefore = ownersByEntry();
			long killedAt = System.nanoTime();
			CompletableFuture<Long> addedAt = CompletableFuture.supplyAsync(() -> {
				lbs.add("added-during-the-failover");
				return System.nanoTime();
			}, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

			RedisServer killed = cluster.killMasterFor(lbsKey);
			long promotedAt = System.nanoTime();
			try {
				Duration promotion = Duration.ofNanos(promotedAt - killedAt);
				Duration producerBlocked = Duration.ofNanos(addedAt.get(30, TimeUnit.SECONDS) - killedAt);
				Instant afterPromotion = Instant.now();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> a.client.lastRenewal().isAfter(afterPromotion)
							&& b.client.lastRenewal().isAfter(afterPromotion));
				Duration renewalsBack = Duration.ofNanos(System.nanoTime() - killedAt);
				System.out.println("Cluster master failover: promoted after " + promotion.toMillis()
						+ " ms, the add issued 300 ms after the kill returned after " + producerBlocked.toMillis()
						+ " ms, both sessions renewed after " + renewalsBack.toMillis() + " ms");
				// Lettuce learns of the promotion at its next topology refresh (every second).
				assertThat(producerBlocked).isLessThanOrEqualTo(promotion.plusSeconds(2));
				// Not a whole command timeout (5 s) after the promotion, as before ClusterFailover's options.
				assertThat(renewalsBack).isLessThan(promotion.plusSeconds(4));
				// Long enough for a lapsed session to be found (keyevents, the 500 ms sweep) and its streams claimed.
				await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7))
					.until(() -> a.of(Type.STREAM_DISOWNED).isEmpty() && b.of(Type.STREAM_DISOWNED).isEmpty());

				assertThat(a.of(Type.STREAM_DISOWNED)).isEmpty();
				assertThat(b.of(Type.STREAM_DISOWNED)).isEmpty();
				// A session may lapse when its last renewal came just before the kill; reconciling keeps its streams.
				System.out.println("Session restarts: " + (sessionRestarts(metricsA) + sessionRestarts(metricsB)));
				assertThat(ownersByEntry()).containsAllEntriesOf(ownersBefore).hasSize(21);
				assertThat(a.client.ownedStreams().size() + b.client.ownedStreams().size()).isEqualTo(21);
				assertThat(cluster.masterFor(lbsKey).command("XLEN", lbsKey)).isEqualTo(21L);
			}
			finally {
				cluster.restart(killed);
			}
		}
	}

	@Test
	void aConsumerKilledAfterAMasterFailoverHasItsStreamsMovedWithinTtlPlusOneSecond() {
		String lbsKey = this.service + "-input";
		// Longer than the promotion (2-3 s here), so that the owner, alive, keeps its streams through it.
		Duration ttl = Duration.ofSeconds(4);
		LettuceConnectionFactory factory = cluster.connectionFactory();
		LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
		try (ConsumerProcesses processes = new ConsumerProcesses()) {
			RedisServer seed = cluster.nodes().stream().filter(RedisServer::isRunning).findFirst().orElseThrow();
			ConsumerProcesses.Handle owner = processes.startOnCluster(seed, this.service, "owner", ttl, false);
			for (int i = 1; i <= 5; i++) {
				lbs.add("stream-" + i);
			}
			owner.awaitLine((line) -> line.startsWith("STREAM_ADDED stream-5"), Duration.ofSeconds(10));
			try (TestConsumer survivor = TestConsumer.start(factory, this.service, "survivor",
					(b) -> b.leaseTtl(ttl).lbsIdleTime(ttl.multipliedBy(3)).autoClaim(true)
						.sweepInterval(Duration.ofMinutes(5)))) {
				await().atMost(Duration.ofSeconds(5)).until(() -> Long.valueOf(5).equals(onReplica("HLEN", owners())));
				RedisServer killed = cluster.killMasterFor(lbsKey);
				try {
					// Both renew on the promoted replica: the owner, alive, keeps its streams.
					await().during(ttl.plusSeconds(1)).atMost(ttl.plusSeconds(2))
						.until(() -> survivor.ownedNames().isEmpty());
					long killedAt = System.nanoTime();

					owner.kill();

					await().atMost(Duration.ofSeconds(10)).until(() -> survivor.ownedNames().size() == 5);
					Duration moved = Duration.ofNanos(System.nanoTime() - killedAt);
					System.out.println("Cluster, owner killed after a master failover: its 5 streams moved after "
							+ moved.toMillis() + " ms");
					assertThat(moved).isLessThanOrEqualTo(ttl.plusSeconds(1));
				}
				finally {
					cluster.restart(killed);
				}
			}
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

	private String owners() {
		return "{" + this.service + "-input}:owner";
	}

	private Object onReplica(String... command) {
		RedisServer replica = cluster.replicaOf(cluster.masterFor(this.service + "-input"));
		replica.command("READONLY");
		return replica.command(command);
	}

	/** The owner hash as entry id -> consumer (without the fencing token). */
	private Map<String, String> ownersByEntry() {
		List<?> flat = (List<?>) cluster.masterFor(this.service + "-input").command("HGETALL", owners());
		Map<String, String> owners = new HashMap<>();
		for (int i = 0; i < flat.size(); i += 2) {
			String value = String.valueOf(flat.get(i + 1));
			owners.put(String.valueOf(flat.get(i)), value.substring(0, value.lastIndexOf(':')));
		}
		return owners;
	}

	private static double sessionRestarts(SimpleMeterRegistry metrics) {
		Counter restarts = metrics.find("redis.stream.client.lease.renewals").tag("outcome", "restarted").counter();
		return (restarts != null) ? restarts.count() : 0;
	}

}
