package io.github.redisstreamclient.test;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * Spring Boot's Redis connection details for a {@link RedisServer}, the way Testcontainers' {@code @ServiceConnection}
 * provides them for a container: Boot's Redis auto-configuration connects to this server instead of what
 * {@code spring.data.redis.*} says. Usually declared by {@link RedisServerConfiguration}.
 */
public final class RedisServerConnectionDetails implements DataRedisConnectionDetails {

	private final RedisServer server;

	public RedisServerConnectionDetails(RedisServer server) {
		this.server = server;
	}

	@Override
	public Standalone getStandalone() {
		return Standalone.of(this.server.host(), this.server.port());
	}

	@Override
	public String toString() {
		return "RedisServerConnectionDetails[" + this.server + "]";
	}

}
