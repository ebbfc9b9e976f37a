package io.github.redisstreamclient.autoconfigure;

import io.github.redisstreamclient.core.ClusterFailover;
import io.lettuce.core.cluster.ClusterClientOptions;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Gives Spring Boot's Redis Cluster connection {@link ClusterFailover}'s options, so that a master failover costs the
 * client no more than the promotion: the node filter that drops failing nodes, and, unless the application set
 * {@code spring.data.redis.lettuce.cluster.refresh.period} or {@code .adaptive} itself, a topology refresh every
 * second and on every adaptive trigger. A standalone connection is left as it is. Replace it with a bean named
 * {@code redisStreamClientClusterFailover}.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ LettuceClientOptionsBuilderCustomizer.class, ClusterClientOptions.class })
@ConditionalOnBooleanProperty(name = "redis-stream-client.enabled", matchIfMissing = true)
public final class ClusterFailoverAutoConfiguration {

	private static final String REFRESH = "spring.data.redis.lettuce.cluster.refresh.";

	@Bean
	@ConditionalOnMissingBean(name = "redisStreamClientClusterFailover")
	static LettuceClientOptionsBuilderCustomizer redisStreamClientClusterFailover(Environment environment) {
		boolean refreshConfigured = environment.containsProperty(REFRESH + "period")
				|| environment.containsProperty(REFRESH + "adaptive");
		return (builder) -> {
			if (builder instanceof ClusterClientOptions.Builder cluster) {
				cluster.nodeFilter(ClusterFailover::isServing);
				if (!refreshConfigured) {
					cluster.topologyRefreshOptions(ClusterFailover.topologyRefresh());
				}
			}
		};
	}

}
