package io.github.redisstreamclient.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RedisClusterIntegrationTests {

	// Sets both keys, so it must run where both live, and returns both values as read there.
	private static final RedisScript<String> SET_BOTH = RedisScript.of("""
			redis.call('SET', KEYS[1], ARGV[1])
			redis.call('SET', KEYS[2], ARGV[2])
			return redis.call('GET', KEYS[1]) .. ',' .. redis.call('GET', KEYS[2])
			""", String.class);

	// Startup takes seconds, so the tests that leave the cluster intact share one.
	private static RedisCluster shared;

	@BeforeAll
	static void startCluster() {
		shared = RedisCluster.start();
	}

	@AfterAll
	static void closeCluster() {
		shared.close();
	}

	@Test
	void formsThreeMastersWithOneReplicaEachCoveringAllSlots() {
		assertThat(shared.nodes()).hasSize(6).allSatisfy(node -> {
			assertThat(node.isRunning()).isTrue();
			assertThat(node.port()).isNotEqualTo(6379).isLessThanOrEqualTo(65535 - 10000);
			String info = (String) node.command("CLUSTER", "INFO");
			assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_slots_ok:16384",
					"cluster_known_nodes:6", "cluster_size:3");
		});

		List<RedisServer> masters = shared.masters();
		assertThat(masters).hasSize(3).allSatisfy(master -> assertThat(role(master)).isEqualTo("master"));
		List<RedisServer> replicas = shared.nodes().stream().filter(node -> !masters.contains(node)).toList();
		assertThat(replicas).hasSize(3).allSatisfy(replica -> assertThat(role(replica)).isEqualTo("slave"));
		// ROLE on a replica: slave, master ip, master port, link state, offset.
		assertThat(replicas.stream().map(replica -> (Long) ((List<?>) replica.command("ROLE")).get(2)))
			.containsExactlyInAnyOrderElementsOf(masters.stream().map(master -> (long) master.port()).toList());
		assertThat(masters.stream().map(shared::replicaOf)).containsExactlyInAnyOrderElementsOf(replicas);

		long slotsCovered = 0;
		Set<Long> slotMasterPorts = new HashSet<>();
		for (Object range : (List<?>) shared.command("CLUSTER", "SLOTS")) {
			List<?> fields = (List<?>) range;
			slotsCovered += (Long) fields.get(1) - (Long) fields.get(0) + 1;
			slotMasterPorts.add((Long) ((List<?>) fields.get(2)).get(1));
		}
		assertThat(slotsCovered).isEqualTo(16384);
		assertThat(slotMasterPorts).hasSize(3);
		assertThat(shared.clusterNodesText().lines()).hasSize(6);
	}

	@Test
	void connectionFactoryRoutesKeysToAllMasters() {
		LettuceConnectionFactory factory = shared.connectionFactory();
		assertThat(factory.getClusterConfiguration().getClusterNodes()).hasSize(6);
		assertThat(factory.getClientConfiguration().getClientOptions()).get()
			.isInstanceOfSatisfying(ClusterClientOptions.class,
					options -> assertThat(options.getTopologyRefreshOptions().isPeriodicRefreshEnabled()).isTrue());
		StringRedisTemplate redis = new StringRedisTemplate(factory);
		List<String> keys = IntStream.range(0, 100).mapToObj(i -> "spread:" + i).toList();

		keys.forEach(key -> redis.opsForValue().set(key, "value of " + key));

		Set<RedisServer> mastersUsed = new HashSet<>();
		for (String key : keys) {
			assertThat(redis.opsForValue().get(key)).isEqualTo("value of " + key);
			RedisServer master = shared.masterFor(key);
			// Read on the master itself, which would answer MOVED if the key belonged elsewhere.
			assertThat(master.command("GET", key)).isEqualTo("value of " + key);
			mastersUsed.add(master);
		}
		assertThat(mastersUsed).containsExactlyInAnyOrderElementsOf(shared.masters());
	}

	@Test
	void scriptOnHashTaggedKeysRunsOnTheirSlotsMaster() {
		StringRedisTemplate redis = new StringRedisTemplate(shared.connectionFactory());

		String result = redis.execute(SET_BOTH, List.of("{script}:a", "{script}:b"), "1", "2");

		assertThat(result).isEqualTo("1,2");
		RedisServer master = shared.masterFor("{script}");
		assertThat(shared.masterFor("{script}:a")).isSameAs(master).isSameAs(shared.masterFor("{script}:b"));
		assertThat(master.command("MGET", "{script}:a", "{script}:b")).isEqualTo(List.of("1", "2"));
		// Without a shared hash tag the keys live in different slots, which a cluster refuses to script across.
		assertThat(shared.command("CLUSTER", "KEYSLOT", "a")).isNotEqualTo(shared.command("CLUSTER", "KEYSLOT", "b"));
		assertThatThrownBy(() -> redis.execute(SET_BOTH, List.of("a", "b"), "1", "2"))
			.hasStackTraceContaining("CROSSSLOT");
	}

	@Test
	void manualFailoverSwapsReplicaAndMasterWithoutLosingData() {
		RedisServer master = shared.masterFor("{manual}");
		RedisServer replica = shared.replicaOf(master);
		master.command("SET", "{manual}:k", "kept");

		shared.failover(replica);

		assertThat(shared.masterFor("{manual}")).isSameAs(replica);
		assertThat(shared.replicaOf(replica)).isSameAs(master);
		assertThat(role(replica)).isEqualTo("master");
		assertThat(role(master)).isEqualTo("slave");
		assertThat(replica.command("GET", "{manual}:k")).isEqualTo("kept");
		assertThat(shared.masters()).hasSize(3);
	}

	@Test
	void killMasterForPromotesItsReplicaAndRestartRejoinsAsReplica() {
		// A cluster of its own, as it is broken on purpose.
		try (RedisCluster cluster = RedisCluster.start()) {
			LettuceConnectionFactory factory = cluster.connectionFactory();
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			RedisServer master = cluster.masterFor("{tag}");
			RedisServer replica = cluster.replicaOf(master);
			List<String> keys = IntStream.range(0, 10).mapToObj(i -> "{tag}:" + i).toList();
			keys.forEach(key -> redis.opsForValue().set(key, "before " + key));
			// Replication is asynchronous; a write the replica never got would be lost with the master.
			assertThat(waitForReplica(factory, master)).isEqualTo(1);
			replica.command("READONLY");
			assertThat(replica.command("GET", "{tag}:9")).isEqualTo("before {tag}:9");

			RedisServer killed = cluster.killMasterFor("{tag}");

			assertThat(killed).isSameAs(master);
			assertThat(killed.isRunning()).isFalse();
			assertThat(cluster.masterFor("{tag}")).isSameAs(replica);
			assertThat(cluster.masters()).hasSize(3).contains(replica).doesNotContain(killed);
			assertThat(cluster.command("CLUSTER", "INFO")).asString().contains("cluster_state:ok");
			// The factory learns the new topology by refreshing it, which may take a few attempts.
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(redis.opsForValue().get("{tag}:0")).isEqualTo("before {tag}:0"));
			keys.forEach(key -> assertThat(redis.opsForValue().get(key)).isEqualTo("before " + key));
			redis.opsForValue().set("{tag}:after", "written to the new master");

			cluster.restart(killed);

			assertThat(killed.isRunning()).isTrue();
			assertThat(role(killed)).isEqualTo("slave");
			assertThat(cluster.replicaOf(replica)).isSameAs(killed);
			assertThat(cluster.masters()).hasSize(3).contains(replica).doesNotContain(killed);
			// Rejoining means a full resync from the new master, so it has what was written while it was down.
			killed.command("READONLY");
			assertThat(killed.command("GET", "{tag}:after")).isEqualTo("written to the new master");
			assertThat(redis.opsForValue().get("{tag}:after")).isEqualTo("written to the new master");
		}
	}

	@Test
	void formsAndFailsOverWithTheEmbeddedRedis62Binary() {
		System.setProperty(RedisServer.BINARY_PROPERTY, RedisServer.embeddedBinary().toString());
		RedisCluster cluster;
		try {
			// Redis 6.2 lacks CLUSTER ADDSLOTSRANGE, so this covers the ADDSLOTS path.
			cluster = RedisCluster.start(3, 1);
		}
		finally {
			System.clearProperty(RedisServer.BINARY_PROPERTY);
		}
		try (cluster) {
			assertThat((String) cluster.command("INFO", "server")).contains("redis_version:6.2");
			assertThat(cluster.command("CLUSTER", "INFO")).asString().contains("cluster_state:ok", "cluster_size:3");
			LettuceConnectionFactory factory = cluster.connectionFactory();
			new StringRedisTemplate(factory).opsForValue().set("{old}:k", "v");
			RedisServer master = cluster.masterFor("{old}");
			RedisServer replica = cluster.replicaOf(master);
			assertThat(waitForReplica(factory, master)).isEqualTo(1);

			cluster.killMasterFor("{old}");

			assertThat(cluster.masterFor("{old}")).isSameAs(replica);
			assertThat(replica.command("GET", "{old}:k")).isEqualTo("v");
		}
	}

	@Test
	void extraArgsOverrideClusterDefaultsAndCloseCleansUpIdempotently() {
		RedisCluster cluster = RedisCluster.start(1, 0, "--cluster-node-timeout", "1500");
		RedisServer node = cluster.nodes().get(0);
		Path dataDir = node.dataDir();
		LettuceConnectionFactory factory = cluster.connectionFactory();
		assertThat(cluster.masters()).containsExactly(node);
		assertThat(dataDir.resolve("nodes-" + node.port() + ".conf")).exists();
		assertThat(node.command("CONFIG", "GET", "cluster-node-timeout"))
			.isEqualTo(List.of("cluster-node-timeout", "1500"));
		assertThat(node.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "yes"));

		cluster.close();
		cluster.close();

		assertThat(factory.isRunning()).isFalse();
		assertThat(node.isRunning()).isFalse();
		assertThat(dataDir).doesNotExist();
		assertThatThrownBy(() -> cluster.command("PING")).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void rejectsImpossibleLayoutsAndReportsNodesThatDoNotStart() {
		assertThatThrownBy(() -> RedisCluster.start(0, 1)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> RedisCluster.start(3, -1)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> RedisCluster.start(1, 0, "--no-such-option", "1"))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("no-such-option");
	}

	private static String role(RedisServer node) {
		return (String) ((List<?>) node.command("ROLE")).get(0);
	}

	/**
	 * Runs {@code WAIT 1 1000} for the writes the factory's shared connection made to a master. WAIT only counts the
	 * writes of the connection it runs on, and Lettuce sends a slot's writes over the node connection it keys by host
	 * and port, which is the one {@code getConnection(host, port)} returns.
	 */
	@SuppressWarnings("unchecked")
	private static long waitForReplica(LettuceConnectionFactory factory, RedisServer master) {
		try (RedisClusterConnection connection = factory.getClusterConnection()) {
			RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands = (RedisAdvancedClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			return commands.getStatefulConnection()
				.getConnection(master.host(), master.port())
				.sync()
				.waitForReplication(1, 1000);
		}
	}

}
