package io.github.redisstreamclient.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pub/sub on Redis Cluster, where keyevent notifications stay on the node that expired the key: Spring Data Redis's
 * listener container subscribes on one node only. This subscribes with Lettuce's node selection on every node, masters
 * and replicas, so a replica promoted by a failover already listens; {@link #refresh()} subscribes nodes that joined
 * since (Lettuce's topology refresh tells it about them).
 */
final class ClusterPubSub {

	private static final Logger logger = LoggerFactory.getLogger(ClusterPubSub.class);

	private final StatefulRedisClusterPubSubConnection<String, String> connection;

	private final String[] nodeChannels;

	ClusterPubSub(RedisClusterClient client, List<String> nodeChannels, List<String> clusterChannels,
			BiConsumer<String, String> onMessage) {
		this.connection = client.connectPubSub();
		this.nodeChannels = nodeChannels.toArray(String[]::new);
		try {
			// Node-specific subscriptions report to this listener only with propagation on.
			this.connection.setNodeMessagePropagation(true);
			this.connection.addListener(new RedisClusterPubSubAdapter<>() {

				@Override
				public void message(RedisClusterNode node, String channel, String message) {
					onMessage.accept(channel, message);
				}

			});
			if (!clusterChannels.isEmpty()) {
				// A plain PUBLISH reaches every node of the cluster, so one subscription is enough.
				this.connection.sync().subscribe(clusterChannels.toArray(String[]::new));
			}
			// At start the caller waits (a second at most), so that start() returns listening.
			await(subscribeNodes());
		}
		catch (RuntimeException ex) {
			this.connection.close();
			throw ex;
		}
	}

	/**
	 * Subscribes every node the client knows of to the node channels, without waiting: subscribing again is
	 * harmless, and a node that does not answer must not hold up the claims worker that calls this (measured before:
	 * the whole command timeout every sweep after a master died). A failure is logged; the sweep covers meanwhile.
	 */
	void refresh() {
		CompletableFuture<?> subscribed = subscribeNodes();
		subscribed.whenComplete((done, ex) -> {
			if (ex != null) {
				logFailure(ex);
			}
		});
	}

	private CompletableFuture<?> subscribeNodes() {
		if (this.nodeChannels.length == 0) {
			return CompletableFuture.completedFuture(null);
		}
		try {
			// Nodes the cluster marks as failing are skipped: they would only time out.
			return this.connection.async()
				.nodes((node) -> !node.is(RedisClusterNode.NodeFlag.FAIL)
						&& !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))
				.commands()
				.subscribe(this.nodeChannels)
				.toCompletableFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void await(CompletableFuture<?> subscribed) {
		try {
			subscribed.get(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logFailure(ex);
		}
	}

	private void logFailure(Throwable ex) {
		logger.warn("Subscribing the cluster nodes to {} failed; expiries are found by the sweep meanwhile: {}",
				List.of(this.nodeChannels), ex.toString());
	}

	void close() {
		this.connection.close();
	}

}
