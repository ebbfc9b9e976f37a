package io.github.redisstreamclient.core.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets {@code notify-keyspace-events} on every node of a Redis Cluster, replicas included: a keyevent is published
 * only by the node that expired the key, so a replica promoted by a failover must already have the flags, or a
 * killed owner's streams wait for the sweep (measured: 5-6 s, or a minute until the next flag check, instead of
 * about 1 s). Spring Data Redis's cluster {@code CONFIG SET} reaches the masters only. Failed nodes are skipped and
 * every node gets at most a second, so a dead node does not hold the caller up for a command timeout.
 */
final class ClusterNotifyFlags implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ClusterNotifyFlags.class);

	private static final long NODE_TIMEOUT_MILLIS = 1000;

	private final StatefulRedisClusterConnection<String, String> connection;

	ClusterNotifyFlags(RedisClusterClient client) {
		this.connection = client.connect();
	}

	/**
	 * Makes every reachable node's flags cover expired events; returns how many nodes were changed.
	 * @throws RuntimeException when a node refuses {@code CONFIG} (an ACL without it): the caller decides
	 */
	int apply(Predicate<String> covers, UnaryOperator<String> merge) {
		int changed = 0;
		for (RedisClusterNode node : this.connection.getPartitions()) {
			if (node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
					|| node.is(RedisClusterNode.NodeFlag.NOADDR)) {
				continue;
			}
			try {
				StatefulRedisConnection<String, String> nodeConnection = this.connection
					.getConnectionAsync(node.getNodeId())
					.get(NODE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
				Map<String, String> config = nodeConnection.async()
					.configGet("notify-keyspace-events")
					.get(NODE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
				String current = (config != null) ? config.getOrDefault("notify-keyspace-events", "") : "";
				if (!covers.test(current)) {
					nodeConnection.async()
						.configSet("notify-keyspace-events", merge.apply(current))
						.get(NODE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
					changed++;
				}
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (AclDenials.isDenial(ex.getCause())) {
					throw new IllegalStateException(ex.getCause());
				}
				logger.debug("Setting notify-keyspace-events on {} failed: {}", node.getUri(), ex.toString());
			}
			catch (java.util.concurrent.TimeoutException ex) {
				logger.debug("Node {} did not answer within {} ms; its flags are checked again at the next sweep",
						node.getUri(), NODE_TIMEOUT_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return changed;
			}
		}
		if (changed > 0) {
			logger.info("Set notify-keyspace-events on {} cluster node(s) that lacked expired events", changed);
		}
		return changed;
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
