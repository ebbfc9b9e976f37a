package io.github.redisstreamclient.chaos;

import java.time.Duration;
import java.util.Arrays;

import io.github.redisstreamclient.core.ClusterFailover;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** How the chaos consumers connect: the settings a production service with a 1 s lease TTL would use. */
final class Connections {

	/**
	 * Commands that get no answer fail after 2 s. Spring Boot leaves Lettuce's 60 s default when
	 * {@code spring.data.redis.timeout} is not set; with a lease TTL of 1 s a renewal stuck for a minute helps nobody.
	 */
	static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private static final String CLUSTER = "cluster:";

	private Connections() {
	}

	/**
	 * A started connection factory.
	 * @param address {@code host:port}, or {@code cluster:host:port,host:port,...} for Redis Cluster
	 */
	static LettuceConnectionFactory factory(String address) {
		LettuceConnectionFactory factory;
		if (address.startsWith(CLUSTER)) {
			RedisClusterConfiguration cluster = new RedisClusterConfiguration(
					Arrays.asList(address.substring(CLUSTER.length()).split(",")));
			// The options the README asks for on Redis Cluster, so a promoted replica is found at once.
			factory = new LettuceConnectionFactory(cluster, LettuceClientConfiguration.builder()
				.clientOptions(ClusterFailover.clientOptions().build())
				.commandTimeout(COMMAND_TIMEOUT)
				.shutdownTimeout(Duration.ZERO)
				.build());
		}
		else {
			int colon = address.lastIndexOf(':');
			factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(address.substring(0, colon),
							Integer.parseInt(address.substring(colon + 1))),
					LettuceClientConfiguration.builder()
						.commandTimeout(COMMAND_TIMEOUT)
						.shutdownTimeout(Duration.ZERO)
						.build());
		}
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
