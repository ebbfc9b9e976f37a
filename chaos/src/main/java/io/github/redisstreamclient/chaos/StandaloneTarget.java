package io.github.redisstreamclient.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import io.github.redisstreamclient.test.FaultProxy;
import io.github.redisstreamclient.test.RedisServer;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One {@code redis-server} with an append-only file fsynced on every write, so that {@code kill -9} loses nothing
 * Redis acknowledged; each consumer reaches it through a {@link FaultProxy} of its own.
 */
final class StandaloneTarget implements RedisTarget {

	private final RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");

	private final StringRedisTemplate template = new StringRedisTemplate(this.redis.connectionFactory());

	private final Map<String, FaultProxy> proxies = new ConcurrentHashMap<>();

	private final Path logs;

	/** @param logs where Redis's log is copied on close */
	StandaloneTarget(Path logs) {
		this.logs = logs;
	}

	@Override
	public List<Fault> faults() {
		return List.of(Fault.KILL, Fault.FREEZE, Fault.CLOSE, Fault.PARTITION, Fault.LATENCY, Fault.CONNECTION_CUT,
				Fault.REDIS_RESTART, Fault.PUBSUB_KILL, Fault.CLIENT_PAUSE);
	}

	@Override
	public String addressFor(String incarnation) {
		FaultProxy proxy = FaultProxy.start(this.redis.host(), this.redis.port());
		this.proxies.put(incarnation, proxy);
		return proxy.host() + ":" + proxy.port();
	}

	@Override
	public Optional<FaultProxy> proxy(String incarnation) {
		return Optional.ofNullable(this.proxies.get(incarnation));
	}

	@Override
	public void release(String incarnation) {
		FaultProxy proxy = this.proxies.remove(incarnation);
		if (proxy != null) {
			proxy.close();
		}
	}

	@Override
	public StringRedisTemplate template() {
		return this.template;
	}

	@Override
	public String crash(Random random) {
		long downMillis = 300 + random.nextInt(1700);
		this.redis.kill();
		sleep(downMillis);
		this.redis.restart();
		return "down " + downMillis + " ms";
	}

	@Override
	public boolean canCrash() {
		return true;
	}

	@Override
	public void killPubSub() {
		this.redis.command("CLIENT", "KILL", "TYPE", "pubsub");
	}

	@Override
	public void pauseWrites(Duration duration) {
		this.redis.command("CLIENT", "PAUSE", Long.toString(duration.toMillis()), "WRITE");
	}

	@Override
	public void close() {
		this.proxies.values().forEach(FaultProxy::close);
		copyLog(this.redis, this.logs.resolve("redis.log"));
		this.redis.close();
	}

	@Override
	public String toString() {
		return "redis-server " + RedisServer.version() + " on port " + this.redis.port() + " (AOF, appendfsync always)";
	}

	static void copyLog(RedisServer server, Path to) {
		try {
			Files.copy(server.dataDir().resolve("redis.log"), to, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			// Only for reading a failed run.
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
