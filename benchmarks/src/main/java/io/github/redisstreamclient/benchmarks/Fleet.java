package io.github.redisstreamclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.test.RedisServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Consumers of one service in this JVM, each with its own connection factory and meters, with the defaults but for
 * {@code maxOwnedStreams} and auto-claim: counts what they were given ({@code STREAM_ADDED}), what they claimed and
 * when, and what was taken from them ({@code STREAM_DISOWNED}).
 */
final class Fleet implements AutoCloseable {

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RecoverableStreamClient> clients = new ArrayList<>();

	private final List<SimpleMeterRegistry> meters = new ArrayList<>();

	private final AtomicLong added = new AtomicLong();

	private final AtomicLong claimed = new AtomicLong();

	private final AtomicLong disowned = new AtomicLong();

	private final AtomicLong lastClaimNanos = new AtomicLong();

	private final AtomicLongArray claimedBy;

	Fleet(RedisServer redis, String service, String idPrefix, int consumers, int maxOwnedStreams, boolean autoClaim) {
		this.claimedBy = new AtomicLongArray(consumers);
		for (int i = 0; i < consumers; i++) {
			int index = i;
			LettuceConnectionFactory factory = redis.connectionFactory();
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			this.factories.add(factory);
			this.meters.add(registry);
			this.clients.add(RecoverableStreamClient.builder(factory, service)
				.consumerId(idPrefix + i)
				.maxOwnedStreams(maxOwnedStreams)
				.autoClaim(autoClaim)
				.keyspaceNotifications(KeyspaceNotifications.AUTO)
				.meterRegistry(registry)
				.listener((n) -> {
					if (n.type() == StreamNotification.Type.STREAM_ADDED) {
						this.added.incrementAndGet();
						if (n.claimed()) {
							this.claimedBy.incrementAndGet(index);
							this.claimed.incrementAndGet();
							this.lastClaimNanos.accumulateAndGet(System.nanoTime(), Math::max);
						}
					}
					else if (n.type() == StreamNotification.Type.STREAM_DISOWNED) {
						this.disowned.incrementAndGet();
					}
				})
				.build());
		}
	}

	void start() {
		this.clients.forEach(RecoverableStreamClient::start);
	}

	List<RecoverableStreamClient> clients() {
		return this.clients;
	}

	long added() {
		return this.added.get();
	}

	long claimed() {
		return this.claimed.get();
	}

	long disowned() {
		return this.disowned.get();
	}

	/** {@link System#nanoTime()} of the latest claimed {@code STREAM_ADDED}; 0 before any. */
	long lastClaimNanos() {
		return this.lastClaimNanos.get();
	}

	/** Claimed {@code STREAM_ADDED} per consumer. */
	long[] claimedBy() {
		long[] counts = new long[this.claimedBy.length()];
		for (int i = 0; i < counts.length; i++) {
			counts[i] = this.claimedBy.get(i);
		}
		return counts;
	}

	/** Streams held now, as the clients see it. */
	long held() {
		return this.clients.stream().mapToLong((c) -> c.ownedStreams().size()).sum();
	}

	/** One tick counter per consumer: its session renewals. */
	List<TickCounter> tickCounters() {
		List<TickCounter> counters = new ArrayList<>();
		for (int i = 0; i < this.clients.size(); i++) {
			Timer timer = renewalTimer(i);
			counters.add(new TickCounter(this.clients.get(i), () -> (timer != null) ? timer.count() : 0));
		}
		return counters;
	}

	/** The renewal latency timer of consumer {@code i}: one record per {@code session-renew.lua} call. */
	Timer renewalTimer(int i) {
		return this.meters.get(i).find("redis.stream.client.lease.renewal.latency").timer();
	}

	/** Sessions started again because they had lapsed, all consumers. */
	long sessionRestarts() {
		long sum = 0;
		for (SimpleMeterRegistry registry : this.meters) {
			Counter restarted = registry.find("redis.stream.client.lease.renewals").tag("outcome", "restarted").counter();
			sum += (restarted != null) ? (long) restarted.count() : 0;
		}
		return sum;
	}

	/**
	 * Closes every consumer at once (each stops listening before it releases, so they do not claim each other's
	 * streams in turn), then the factories.
	 */
	@Override
	public void close() {
		List<Thread> closing = new ArrayList<>();
		for (RecoverableStreamClient client : this.clients) {
			Thread thread = new Thread(client::close, "close-" + client.id());
			closing.add(thread);
			thread.start();
		}
		for (Thread thread : closing) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

}
