package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Holds claims from dead consumers back for a while after Redis restarted, so that a restart does not move the
 * streams of owners that are alive. A restarted Redis has lost or expired every session (their TTL ran while it was
 * down); owners renew within a renewal interval of Redis answering again and keep what they own, because nobody
 * claimed it meanwhile.
 * <p>
 * Two signals: the server's {@code uptime_in_seconds} ({@code INFO server}; the smallest over a cluster's nodes),
 * and this client seeing Redis return (its renewals failed and then got through, or its own session was gone).
 * Where {@code INFO} is refused the second serves alone. The second also covers a Redis that paused or stalled
 * longer than the TTL ({@code CLIENT PAUSE}, a slow disk): every session lapsed then too, and the owners are alive.
 */
final class RestartGrace {

	private static final Logger logger = LoggerFactory.getLogger(RestartGrace.class);

	private final StringRedisTemplate redis;

	private final Duration grace;

	private volatile long returnedAtNanos = System.nanoTime() - Duration.ofDays(1).toNanos();

	private volatile boolean infoRefused;

	/** @param grace how long after a restart claims wait: the lease TTL plus the uptime's resolution */
	public RestartGrace(StringRedisTemplate redis, Duration grace) {
		this.redis = redis;
		this.grace = grace;
	}

	/** This client saw Redis return. */
	public void redisReturned() {
		this.returnedAtNanos = System.nanoTime();
	}

	/** How long claims from dead consumers should still wait; zero when they may go ahead. */
	public Duration remaining() {
		long local = this.grace.toNanos() - (System.nanoTime() - this.returnedAtNanos);
		long server = this.grace.toMillis() - Math.min(serverUptimeMillis(), Long.MAX_VALUE / 2);
		long waitMillis = Math.max(local / 1_000_000, server);
		return (waitMillis > 0) ? Duration.ofMillis(waitMillis) : Duration.ZERO;
	}

	private long serverUptimeMillis() {
		if (this.infoRefused) {
			return Long.MAX_VALUE;
		}
		Properties info;
		try {
			info = this.redis.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
				.info("server"));
		}
		catch (RuntimeException ex) {
			if (AclDenials.isDenial(ex)) {
				this.infoRefused = true;
				logger.info("This Redis user may not run INFO: after a Redis restart, claims wait for this client to "
						+ "see Redis return ({})", AclDenials.grant("info"));
			}
			else {
				logger.debug("INFO server failed", ex);
			}
			return Long.MAX_VALUE;
		}
		long uptime = Long.MAX_VALUE;
		for (String name : (info != null) ? info.stringPropertyNames() : java.util.Set.<String>of()) {
			if (name.equals("uptime_in_seconds") || name.endsWith(".uptime_in_seconds")) {
				try {
					uptime = Math.min(uptime, Long.parseLong(info.getProperty(name).trim()) * 1000);
				}
				catch (NumberFormatException ex) {
					// Not a number: ignore this node.
				}
			}
		}
		return uptime;
	}

}
