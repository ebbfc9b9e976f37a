package io.github.redisstreamclient.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.redisstreamclient.test.FaultProxy;
import io.github.redisstreamclient.test.RedisCluster;
import io.github.redisstreamclient.test.RedisServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A Redis Cluster of 3 masters with a replica each, AOF fsynced on every write. Its crash kills the master that
 * serves the service; the replica is promoted and the old master rejoins as its replica a few seconds later.
 * <p>
 * Consumers connect straight to the nodes: a proxy in front of a cluster node would have to rewrite the addresses
 * the cluster announces, so partitions, latency and cut connections are left to the standalone run.
 */
final class ClusterTarget implements RedisTarget {

	private static final Logger logger = LoggerFactory.getLogger(ClusterTarget.class);

	private final RedisCluster cluster = RedisCluster.start(3, 1, "--appendfsync", "always");

	private final StringRedisTemplate template = new StringRedisTemplate(this.cluster.connectionFactory());

	private final ScheduledExecutorService rejoins = Executors.newSingleThreadScheduledExecutor();

	private final String serviceKey;

	private volatile boolean rejoining;

	private final Path logs;

	/**
	 * @param serviceKey the LBS key: its master is the one that crashes
	 * @param logs where the nodes' logs are copied on close
	 */
	ClusterTarget(String serviceKey, Path logs) {
		this.serviceKey = serviceKey;
		this.logs = logs;
	}

	@Override
	public List<Fault> faults() {
		return List.of(Fault.KILL, Fault.FREEZE, Fault.CLOSE, Fault.MASTER_FAILOVER, Fault.PUBSUB_KILL,
				Fault.CLIENT_PAUSE);
	}

	@Override
	public String addressFor(String incarnation) {
		return "cluster:" + this.cluster.nodes().stream().map((n) -> n.host() + ":" + n.port())
			.collect(Collectors.joining(","));
	}

	@Override
	public Optional<FaultProxy> proxy(String incarnation) {
		return Optional.empty();
	}

	@Override
	public void release(String incarnation) {
	}

	@Override
	public StringRedisTemplate template() {
		return this.template;
	}

	@Override
	public synchronized String crash(Random random) {
		RedisServer killed = this.cluster.killMasterFor(this.serviceKey);
		this.rejoining = true;
		long rejoinAfter = 2000 + random.nextInt(3000);
		this.rejoins.schedule(() -> {
			try {
				this.cluster.restart(killed);
			}
			catch (RuntimeException ex) {
				logger.warn("Killed master {} did not rejoin", killed, ex);
			}
			finally {
				this.rejoining = false;
			}
		}, rejoinAfter, TimeUnit.MILLISECONDS);
		return "killed master on port " + killed.port() + ", replica promoted; it rejoins in " + rejoinAfter + " ms";
	}

	@Override
	public boolean canCrash() {
		return !this.rejoining;
	}

	@Override
	public void killPubSub() {
		for (RedisServer node : this.cluster.nodes()) {
			if (node.isRunning()) {
				node.command("CLIENT", "KILL", "TYPE", "pubsub");
			}
		}
	}

	@Override
	public void pauseWrites(Duration duration) {
		this.cluster.masterFor(this.serviceKey).command("CLIENT", "PAUSE", Long.toString(duration.toMillis()), "WRITE");
	}

	@Override
	public void close() {
		this.rejoins.shutdownNow();
		for (RedisServer node : this.cluster.nodes()) {
			StandaloneTarget.copyLog(node, this.logs.resolve("redis-" + node.port() + ".log"));
		}
		this.cluster.close();
	}

	@Override
	public String toString() {
		return "Redis Cluster " + RedisServer.version() + " of 3 masters and 3 replicas (AOF, appendfsync always)";
	}

}
