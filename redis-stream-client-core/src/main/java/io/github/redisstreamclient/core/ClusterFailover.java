package io.github.redisstreamclient.core;

import java.time.Duration;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;

/**
 * The Lettuce options under which a master failover of Redis Cluster costs this client no more than the promotion
 * itself. Lettuce's defaults keep routing a dead master's slots to it until a command times out: renewals stalled for
 * the whole command timeout (sessions lapsed on the new master although the TTL was twice the outage) and
 * {@code LoadBalancerStream.add} waited 5 s after the promotion, as measured in {@code ClusterIntegrationTests}.
 * <ul>
 * <li>The topology is refreshed every second and on every adaptive trigger, so a promoted replica is known within
 * about a second; a refresh reads {@code CLUSTER NODES} from the known nodes.</li>
 * <li>Nodes the cluster marks as failing ({@code fail}, {@code fail?}, {@code noaddr}) are left out of the
 * topology (Lettuce's node filter, lettuce-core issue 1942): their connections close, and what was queued for them is
 * routed again, to the new master; while no master serves a slot, commands fail at once instead of waiting.</li>
 * </ul>
 * With the starter this is applied to the cluster connection factory by itself; otherwise
 * {@code LettuceClientConfiguration.builder().clientOptions(ClusterFailover.clientOptions().build())}.
 */
public final class ClusterFailover {

	/** How often the topology is read again: 1 s. */
	public static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(1);

	private ClusterFailover() {
	}

	/** Cluster client options with the topology refresh and the node filter described above; add your own. */
	public static ClusterClientOptions.Builder clientOptions() {
		return ClusterClientOptions.builder()
			.topologyRefreshOptions(topologyRefresh())
			.nodeFilter(ClusterFailover::isServing);
	}

	/** The topology refresh described above. */
	public static ClusterTopologyRefreshOptions topologyRefresh() {
		return ClusterTopologyRefreshOptions.builder()
			.enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
			.enableAllAdaptiveRefreshTriggers()
			// Lettuce's default lets an adaptive refresh run once per 30 s, far longer than a session's TTL.
			.adaptiveRefreshTriggersTimeout(TOPOLOGY_REFRESH_PERIOD)
			.build();
	}

	/** Whether a node may serve commands: the cluster does not mark it as failing or without address. */
	public static boolean isServing(RedisClusterNode node) {
		return !node.is(NodeFlag.FAIL) && !node.is(NodeFlag.EVENTUAL_FAIL) && !node.is(NodeFlag.NOADDR);
	}

}
