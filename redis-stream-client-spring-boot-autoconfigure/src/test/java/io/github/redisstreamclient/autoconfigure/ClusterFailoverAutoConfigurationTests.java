package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.redisstreamclient.core.ClusterFailover;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.test.RedisCluster;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's cluster connection gets {@link ClusterFailover}'s options, and with them a producer on it waits for
 * a master failover about as long as the promotion takes, on a local cluster of 3 masters and 3 replicas.
 */
class ClusterFailoverAutoConfigurationTests {

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

	private ApplicationContextRunner runner() {
		String nodes = cluster.nodes()
			.stream()
			.filter(RedisServer::isRunning)
			.map((node) -> node.host() + ":" + node.port())
			.collect(Collectors.joining(","));
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					ClusterFailoverAutoConfiguration.class, RedisStreamClientAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=" + nodes, "spring.data.redis.timeout=5s",
					"redis-stream-client.service-name=" + this.service);
	}

	@Test
	void aProducerOnTheBootConnectionWaitsForAMasterFailoverAboutAsLongAsThePromotion() {
		runner().run((context) -> {
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			ClusterClientOptions options = (ClusterClientOptions) factory.getClientConfiguration()
				.getClientOptions()
				.orElseThrow();
			assertThat(options.getTopologyRefreshOptions().getRefreshPeriod())
				.isEqualTo(ClusterFailover.TOPOLOGY_REFRESH_PERIOD);
			assertThat(options.getTopologyRefreshOptions().useDynamicRefreshSources()).isTrue();
			assertThat(options.getNodeFilter()).rejects(node(NodeFlag.MASTER, NodeFlag.FAIL));
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, this.service);
			lbs.add("before");
			long killedAt = System.nanoTime();
			CompletableFuture<Long> addedAt = CompletableFuture.supplyAsync(() -> {
				lbs.add("during");
				return System.nanoTime();
			}, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

			RedisServer killed = cluster.killMasterFor(lbs.key());
			long promotedAt = System.nanoTime();
			try {
				Duration blocked = Duration.ofNanos(addedAt.get(30, TimeUnit.SECONDS) - killedAt);
				Duration promotion = Duration.ofNanos(promotedAt - killedAt);
				System.out.println("Boot cluster connection: promotion " + promotion.toMillis()
						+ " ms, add issued 300 ms after the kill returned after " + blocked.toMillis() + " ms");
				assertThat(blocked).isLessThanOrEqualTo(promotion.plusSeconds(2));
				assertThat(cluster.masterFor(lbs.key()).command("XLEN", lbs.key())).isEqualTo(2L);
			}
			finally {
				cluster.restart(killed);
			}
		});
	}

	@Test
	void aRefreshTheApplicationConfiguredIsKeptAndTheNodeFilterAdded() {
		runner().withPropertyValues("spring.data.redis.lettuce.cluster.refresh.period=30s").run((context) -> {
			ClusterClientOptions options = (ClusterClientOptions) context.getBean(LettuceConnectionFactory.class)
				.getClientConfiguration()
				.getClientOptions()
				.orElseThrow();
			assertThat(options.getTopologyRefreshOptions().getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(options.getNodeFilter()).accepts(node(NodeFlag.MASTER)).rejects(node(NodeFlag.MASTER,
					NodeFlag.FAIL), node(NodeFlag.EVENTUAL_FAIL), node(NodeFlag.NOADDR));
		});
	}

	@Test
	void aStandaloneConnectionIsLeftAsItIs() {
		try (RedisServer redis = RedisServer.start()) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						ClusterFailoverAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.port=" + redis.port())
				.run((context) -> assertThat(context.getBean(LettuceConnectionFactory.class)
					.getClientConfiguration()
					.getClientOptions()
					.orElseThrow()).isNotInstanceOf(ClusterClientOptions.class));
		}
	}

	private static RedisClusterNode node(NodeFlag... flags) {
		RedisClusterNode node = new RedisClusterNode();
		node.setFlags(Set.of(flags));
		return node;
	}

}
