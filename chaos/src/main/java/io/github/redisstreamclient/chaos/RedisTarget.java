package io.github.redisstreamclient.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import io.github.redisstreamclient.test.FaultProxy;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis a run is against, and the Redis-side faults it can suffer: a single {@code redis-server}
 * ({@link StandaloneTarget}) or a Redis Cluster ({@link ClusterTarget}).
 */
interface RedisTarget extends AutoCloseable {

	/** The faults this target supports, consumer faults included. */
	List<Fault> faults();

	/**
	 * Where a new consumer JVM connects: through a {@link FaultProxy} of its own where the target supports
	 * partitions, so that one consumer can be cut off while the others go on.
	 */
	String addressFor(String incarnation);

	/** The proxy between one consumer and Redis, if it has one. */
	Optional<FaultProxy> proxy(String incarnation);

	/** Closes the proxy of a consumer that ended. */
	void release(String incarnation);

	/** A template straight to Redis, for the producer and the end state; it survives Redis restarts. */
	StringRedisTemplate template();

	/**
	 * The Redis crash of this target: {@link Fault#REDIS_RESTART} or {@link Fault#MASTER_FAILOVER}. Returns once
	 * Redis answers again.
	 * @return what happened, for the history
	 */
	String crash(Random random);

	/** Whether {@link #crash} may run now (a cluster master without a replica again cannot fail over). */
	boolean canCrash();

	/** {@code CLIENT KILL TYPE pubsub} wherever the consumers subscribe. */
	void killPubSub();

	/** {@code CLIENT PAUSE <duration> WRITE} on the Redis that serves the service. */
	void pauseWrites(Duration duration);

	@Override
	void close();

}
