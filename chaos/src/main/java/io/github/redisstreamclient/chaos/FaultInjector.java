package io.github.redisstreamclient.chaos;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.chaos.ConsumerFleet.Member;
import io.github.redisstreamclient.chaos.HistoryEvent.Kind;
import io.github.redisstreamclient.test.FaultProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a fault every 2 to 5 seconds, at random from the run's seed, and records when each starts and ends. Faults
 * are drawn from a shuffled bag of every kind the target supports, refilled when empty, so a run of a minute sees
 * each kind at least once and the order is still random. Timed faults (freeze, partition, latency, pause) end on a
 * timer, so they overlap with the next ones.
 * <p>
 * At least two consumers stay healthy: a fault that takes one out is skipped when that would leave fewer.
 */
final class FaultInjector {

	private static final Logger logger = LoggerFactory.getLogger(FaultInjector.class);

	private static final int MIN_HEALTHY = 2;

	private final RedisTarget target;

	private final ConsumerFleet fleet;

	private final History history;

	private final Random random;

	private final Duration leaseTtl;

	private final Deque<Fault> bag = new ArrayDeque<>();

	private final ScheduledExecutorService endings = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "chaos-fault-endings");
		thread.setDaemon(true);
		return thread;
	});

	private final List<Runnable> pendingEnds = Collections.synchronizedList(new ArrayList<>());

	FaultInjector(RedisTarget target, ConsumerFleet fleet, History history, Random random, Duration leaseTtl) {
		this.target = target;
		this.fleet = fleet;
		this.history = history;
		this.random = random;
		this.leaseTtl = leaseTtl;
	}

	/**
	 * Injects faults for {@code period}; a kind that could not run by then (too few healthy consumers each time it
	 * came up) is injected within up to a minute more, so every run sees every kind. Then ends every fault still going.
	 */
	void run(Duration period) throws InterruptedException {
		long end = System.nanoTime() + period.toNanos();
		long overtime = end + Duration.ofMinutes(1).toNanos();
		Set<Fault> missing = EnumSet.copyOf(this.target.faults());
		while (System.nanoTime() < end || (!missing.isEmpty() && System.nanoTime() < overtime)) {
			Thread.sleep(2000 + this.random.nextInt(3000));
			boolean late = System.nanoTime() >= end;
			if (late && missing.isEmpty()) {
				break;
			}
			Fault fault = late ? missing.iterator().next() : nextFault();
			try {
				if (inject(fault)) {
					missing.remove(fault);
				}
				else if (!late) {
					this.bag.addLast(fault); // not possible now: later
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Injecting {} failed", fault, ex);
				record("harness", Kind.FAULT_ENDED, fault, "failed: " + ex);
			}
		}
		this.endings.shutdownNow();
		List<Runnable> ends;
		synchronized (this.pendingEnds) {
			ends = new ArrayList<>(this.pendingEnds);
			this.pendingEnds.clear();
		}
		ends.forEach(Runnable::run);
	}

	private Fault nextFault() {
		if (this.bag.isEmpty()) {
			List<Fault> kinds = new ArrayList<>(this.target.faults());
			Collections.shuffle(kinds, this.random);
			this.bag.addAll(kinds);
		}
		return this.bag.removeFirst();
	}

	/** Injects one fault; {@code false} when it cannot be done now (too few healthy consumers, a rejoin pending). */
	private boolean inject(Fault fault) {
		Member victim = null;
		if (fault.impairsConsumer() || fault == Fault.CONNECTION_CUT) {
			List<Member> healthy = this.fleet.running().stream().filter(Member::isHealthy).toList();
			if (fault.impairsConsumer() && healthy.size() - 1 < MIN_HEALTHY || healthy.isEmpty()) {
				return false;
			}
			victim = healthy.get(this.random.nextInt(healthy.size()));
		}
		switch (fault) {
			case KILL -> {
				record(victim.label, Kind.FAULT_STARTED, fault, "SIGKILL");
				this.fleet.kill(victim);
				replace(victim);
			}
			case CLOSE -> {
				record(victim.label, Kind.FAULT_STARTED, fault, "graceful close");
				Member closing = victim;
				closing.closing.set(true);
				Thread closer = new Thread(() -> {
					this.fleet.close(closing);
					record(closing.label, Kind.FAULT_ENDED, fault, "exited");
				}, "chaos-close-" + victim.label);
				closer.setDaemon(true);
				closer.start();
				replace(victim);
			}
			case FREEZE -> {
				Duration frozen = longerThanTtl();
				Member member = victim;
				member.impaired.set(true);
				record(member.label, Kind.FAULT_STARTED, fault, "SIGSTOP for " + frozen.toMillis() + " ms");
				this.fleet.freeze(member);
				endLater(frozen, () -> {
					this.fleet.thaw(member);
					member.impaired.set(false);
					record(member.label, Kind.FAULT_ENDED, fault, "SIGCONT");
				});
			}
			case PARTITION -> {
				FaultProxy proxy = proxyOf(victim);
				Duration cut = longerThanTtl();
				Member member = victim;
				member.impaired.set(true);
				record(member.label, Kind.FAULT_STARTED, fault, "black hole for " + cut.toMillis() + " ms");
				proxy.blackhole();
				endLater(cut, () -> {
					proxy.heal();
					member.impaired.set(false);
					record(member.label, Kind.FAULT_ENDED, fault, "healed");
				});
			}
			case LATENCY -> {
				FaultProxy proxy = proxyOf(victim);
				Duration delay = Duration.ofMillis(50 + this.random.nextInt(350));
				Duration lasting = Duration.ofMillis(2000 + this.random.nextInt(4000));
				Member member = victim;
				member.impaired.set(true);
				record(member.label, Kind.FAULT_STARTED, fault,
						delay.toMillis() + " ms each way for " + lasting.toMillis() + " ms");
				proxy.latency(delay);
				endLater(lasting, () -> {
					proxy.latency(Duration.ZERO);
					member.impaired.set(false);
					record(member.label, Kind.FAULT_ENDED, fault, "-");
				});
			}
			case CONNECTION_CUT -> {
				record(victim.label, Kind.FAULT_STARTED, fault, proxyOf(victim).connections() + " connections");
				proxyOf(victim).cutConnections();
				record(victim.label, Kind.FAULT_ENDED, fault, "-");
			}
			case REDIS_RESTART, MASTER_FAILOVER -> {
				if (!this.target.canCrash()) {
					return false;
				}
				record("redis", Kind.FAULT_STARTED, fault, "-");
				String what = this.target.crash(this.random);
				record("redis", Kind.FAULT_ENDED, fault, what);
			}
			case PUBSUB_KILL -> {
				record("redis", Kind.FAULT_STARTED, fault, "CLIENT KILL TYPE pubsub");
				this.target.killPubSub();
				record("redis", Kind.FAULT_ENDED, fault, "-");
			}
			case CLIENT_PAUSE -> {
				// Up to 3 s: longer than the consumers' 2 s command timeout, so some writes time out and are retried.
				Duration pause = Duration.ofMillis(500 + this.random.nextInt(2500));
				record("redis", Kind.FAULT_STARTED, fault, "CLIENT PAUSE " + pause.toMillis() + " WRITE");
				this.target.pauseWrites(pause);
				endLater(pause, () -> record("redis", Kind.FAULT_ENDED, fault, "-"));
			}
		}
		return true;
	}

	/** Starts a replacement for a consumer that was killed or closed: the same consumer id or a new one. */
	private void replace(Member gone) {
		Member replacement = this.random.nextBoolean() ? this.fleet.spawn(gone.consumerId) : this.fleet.spawnNew();
		logger.debug("{} replaces {}", replacement, gone);
	}

	/** Between 1.5 and 4 lease TTLs: long enough for the others to claim. */
	private Duration longerThanTtl() {
		return Duration.ofMillis(this.leaseTtl.toMillis() * 3 / 2 + this.random.nextInt((int) (this.leaseTtl.toMillis() * 5 / 2)));
	}

	private FaultProxy proxyOf(Member member) {
		return this.target.proxy(member.label)
			.orElseThrow(() -> new IllegalStateException(member.label + " has no proxy"));
	}

	private void endLater(Duration after, Runnable end) {
		Runnable once = new Runnable() {
			private boolean ran;

			@Override
			public synchronized void run() {
				if (!this.ran) {
					this.ran = true;
					FaultInjector.this.pendingEnds.remove(this);
					end.run();
				}
			}
		};
		this.pendingEnds.add(once);
		this.endings.schedule(once, after.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void record(String actor, Kind kind, Fault fault, String detail) {
		this.history.record(HistoryEvent.of(actor, kind, "-", 0, fault.name(), detail));
	}

}
