package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * One contender of the renewal benchmark: takes N streams (our client) or N locks (the per-lock baselines), keeps them
 * alive with the same TTL, and says how many it still holds.
 */
interface LeaseHolder extends AutoCloseable {

	String name();

	/** Takes {@code count} leases with the given TTL and returns once all are held. */
	void acquire(int count, Duration ttl);

	/** Leases held now, as the contender itself sees them. */
	long held();

	/** Losses the contender itself reported (notifications, meters); -1 when it has no way to tell. */
	long reportedLosses();

	@Override
	void close();

	/**
	 * This library: one client that owns N streams through the owner hash and keeps them with one session key,
	 * renewed by one {@code session-renew.lua} call per tick whatever it holds.
	 */
	final class Ours implements LeaseHolder {

		static final String SERVICE = "renewal";

		private final RedisServer redis;

		private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

		private final AtomicLong disowned = new AtomicLong();

		private LettuceConnectionFactory connectionFactory;

		private RecoverableStreamClient client;

		Ours(RedisServer redis) {
			this.redis = redis;
		}

		@Override
		public String name() {
			return "redis-stream-client (one session per consumer)";
		}

		@Override
		public void acquire(int count, Duration ttl) {
			this.connectionFactory = this.redis.connectionFactory();
			this.client = RecoverableStreamClient.builder(this.connectionFactory, SERVICE)
				.consumerId("bench-holder")
				.leaseTtl(ttl)
				.lbsIdleTime(ttl.multipliedBy(3).plusSeconds(30))
				.maxOwnedStreams(Math.max(count, 10))
				.lbsBatchSize(1000)
				.autoClaim(true)
				.keyspaceNotifications(KeyspaceNotifications.AUTO)
				.notificationQueueCapacity(10_000)
				.meterRegistry(this.meters)
				.listener((n) -> {
					if (n.type() == StreamNotification.Type.STREAM_DISOWNED) {
						this.disowned.incrementAndGet();
					}
				})
				.build();
			this.client.start();
			RedisClient raw = Bench.rawClient(this.redis);
			try {
				Bench.fillLbs(raw, SERVICE, "data-", count);
			}
			finally {
				Bench.shutdown(raw);
			}
			Bench.await(count + " leases held", Duration.ofMinutes(10), 200, () -> held() >= count);
		}

		@Override
		public long held() {
			return this.client.ownedStreams().size();
		}

		/** Streams taken from this client while it lived: {@code STREAM_DISOWNED}. */
		@Override
		public long reportedLosses() {
			return this.disowned.get();
		}

		/** Times the session had lapsed and was started again ({@code lease.renewals{outcome=restarted}}). */
		long sessionRestarts() {
			Counter restarted = this.meters.find("redis.stream.client.lease.renewals")
				.tag("outcome", "restarted")
				.counter();
			return (restarted != null) ? (long) restarted.count() : 0;
		}

		RecoverableStreamClient client() {
			return this.client;
		}

		/** {@code session-renew.lua} calls so far (the renewal latency timer records one per call). */
		long renewalCalls() {
			Timer timer = this.meters.find("redis.stream.client.lease.renewal.latency").timer();
			return (timer != null) ? timer.count() : 0;
		}

		Timer renewalTimer() {
			return this.meters.find("redis.stream.client.lease.renewal.latency").timer();
		}

		@Override
		public void close() {
			if (this.client != null) {
				this.client.close();
			}
			if (this.connectionFactory != null) {
				this.connectionFactory.destroy();
			}
		}

	}

	/** Spring Integration's RedisLockRegistry with its renewal scheduler: one scheduled renewal per lock. */
	final class SpringIntegration implements LeaseHolder {

		private final RedisServer redis;

		private final int schedulerThreads;

		private LettuceConnectionFactory connectionFactory;

		private ThreadPoolTaskScheduler scheduler;

		private RedisLockRegistry registry;

		private long acquired;

		private volatile boolean closing;

		private final AtomicLong renewalErrors = new AtomicLong();

		SpringIntegration(RedisServer redis, int schedulerThreads) {
			this.redis = redis;
			this.schedulerThreads = schedulerThreads;
		}

		@Override
		public String name() {
			return "Spring Integration RedisLockRegistry";
		}

		@Override
		public void acquire(int count, Duration ttl) {
			this.connectionFactory = this.redis.connectionFactory();
			this.scheduler = new ThreadPoolTaskScheduler();
			this.scheduler.setPoolSize(this.schedulerThreads);
			this.scheduler.setThreadNamePrefix("rlr-renew-");
			this.scheduler.setDaemon(true);
			// Renewals interrupted by the shutdown at the end are not failures of the benchmark; others are counted.
			this.scheduler.setErrorHandler((error) -> {
				if (!this.closing) {
					this.renewalErrors.incrementAndGet();
				}
			});
			this.scheduler.initialize();
			this.registry = new RedisLockRegistry(this.connectionFactory, "rlr", ttl);
			this.registry.setCacheCapacity(count * 2 + 10);
			this.registry.setRenewalTaskScheduler(this.scheduler);
			for (int i = 0; i < count; i++) {
				Lock lock = this.registry.obtain("lease-" + i);
				if (!lock.tryLock()) {
					throw new IllegalStateException("RedisLockRegistry could not take lease-" + i);
				}
				this.acquired++;
			}
		}

		@Override
		public long held() {
			// The registry has no API for it: its renewal ignores a failed renew. Redis keys are counted instead.
			return this.acquired;
		}

		@Override
		public long reportedLosses() {
			// A failed renewal is only logged by the registry (and counted here); a lapsed lock goes unnoticed.
			return -1;
		}

		long renewalErrors() {
			return this.renewalErrors.get();
		}

		@Override
		public void close() {
			this.closing = true;
			if (this.scheduler != null) {
				this.scheduler.shutdown();
			}
			if (this.registry != null) {
				this.registry.destroy();
			}
			if (this.connectionFactory != null) {
				this.connectionFactory.destroy();
			}
		}

	}

	/** Redisson's RLock with its lock watchdog (lockWatchdogTimeout = the TTL). */
	final class RedissonWatchdog implements LeaseHolder {

		private final RedisServer redis;

		private RedissonClient redisson;

		private long acquired;

		RedissonWatchdog(RedisServer redis) {
			this.redis = redis;
		}

		@Override
		public String name() {
			return "Redisson RLock watchdog";
		}

		@Override
		public void acquire(int count, Duration ttl) {
			Config config = new Config();
			config.useSingleServer().setAddress("redis://" + this.redis.host() + ":" + this.redis.port());
			config.setLockWatchdogTimeout(ttl.toMillis());
			this.redisson = Redisson.create(config);
			for (int i = 0; i < count; i++) {
				this.redisson.getLock("rsn:lease-" + i).lock();
				this.acquired++;
			}
		}

		@Override
		public long held() {
			return this.acquired;
		}

		@Override
		public long reportedLosses() {
			return -1;
		}

		int watchdogBatchSize() {
			return new Config().getLockWatchdogBatchSize();
		}

		@Override
		public void close() {
			if (this.redisson != null) {
				this.redisson.shutdown();
			}
		}

	}

}
