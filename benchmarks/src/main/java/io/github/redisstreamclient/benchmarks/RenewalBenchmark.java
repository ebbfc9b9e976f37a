package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.redisstreamclient.benchmarks.Section.Table;
import io.github.redisstreamclient.test.RedisServer;
import io.micrometer.core.instrument.Timer;

import static io.github.redisstreamclient.benchmarks.Bench.fmt;

/**
 * Benchmark 1: N streams held by this library's client, which keeps them with one session key per consumer (one
 * {@code session-renew.lua} call per tick, whatever it holds), side by side with N locks kept alive with the same TTL
 * by Spring Integration's RedisLockRegistry (a renewal per lock) and Redisson's lock watchdog (batches of locks):
 * per-lock baselines for what holding N things costs Redis. Then the 10-minute hold of 100k streams by one client.
 */
final class RenewalBenchmark {

	/** Renewal scheduler threads for RedisLockRegistry: one per core of this machine. */
	static final int RLR_THREADS = 2;

	record Result(String contender, int leases, double acquireSeconds, RedisStats.Delta redis, double clientCpuPercent,
			double heapPerLease, long heldAtEnd, long expiredKeys, long reportedLosses, long redisKeysAtEnd,
			long ticks, double renewCallsPerTick) {
	}

	private RenewalBenchmark() {
	}

	// ------------------------------------------------------------------------------------------------ comparison

	static Section compare(Section.Context ctx) {
		List<Integer> sizes = ctx.quick() ? List.of(1_000, 5_000) : List.of(1_000, 10_000, 100_000);
		Duration ttl = ctx.quick() ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
		Duration window = ctx.quick() ? Duration.ofSeconds(6) : Duration.ofSeconds(40);
		RedisServer redis = ctx.redis();
		List<Result> results = new ArrayList<>();
		for (int size : sizes) {
			List<Supplier<LeaseHolder>> contenders = List.of(() -> new LeaseHolder.Ours(redis),
					() -> new LeaseHolder.SpringIntegration(redis, RLR_THREADS),
					() -> new LeaseHolder.RedissonWatchdog(redis));
			for (Supplier<LeaseHolder> contender : contenders) {
				try (LeaseHolder holder = contender.get()) {
					results.add(measure(redis, holder, size, ttl, window));
				}
				catch (RuntimeException ex) {
					Bench.log("renewal: %s at %d failed: %s", contender, size, ex);
					throw ex;
				}
				Bench.reset(redis);
			}
		}
		return render(ctx, results, sizes, ttl, window);
	}

	static Result measure(RedisServer redis, LeaseHolder holder, int size, Duration ttl, Duration window) {
		Bench.reset(redis);
		long heapBase = ClientStats.heapAfterGc();
		long start = System.nanoTime();
		holder.acquire(size, ttl);
		double acquireSeconds = (System.nanoTime() - start) / 1e9;
		Bench.log("renewal: %s took %d streams/locks in %.1f s", holder.name(), size, acquireSeconds);
		// Let the renewals of the acquisition phase settle into their steady rhythm.
		Bench.sleep(ttl.toMillis() / 3 + 500);
		long heapHeld = ClientStats.heapAfterGc();
		RedisStats before = RedisStats.read(redis);
		ClientStats.Cpu cpu = ClientStats.Cpu.start();
		TickCounter ticks = (holder instanceof LeaseHolder.Ours ours) ? new TickCounter(ours) : null;
		long end = System.nanoTime() + window.toNanos();
		while (System.nanoTime() < end) {
			Bench.sleep(25);
			if (ticks != null) {
				ticks.poll();
			}
		}
		double clientCpu = cpu.percent();
		RedisStats.Delta delta = RedisStats.read(redis).since(before);
		long keys = (Long) redis.command("DBSIZE");
		Result result = new Result(holder.name(), size, acquireSeconds, delta, clientCpu,
				(double) (heapHeld - heapBase) / size, holder.held(), delta.expiredKeys(), holder.reportedLosses(),
				keys, (ticks != null) ? ticks.ticks() : 0, (ticks != null) ? ticks.callsPerTick() : Double.NaN);
		Bench.log("renewal: %s N=%d: %.1f round trips/s, %.1f cmds/s, redis cpu %.1f%%, client cpu %.1f%%, "
				+ "heap/held %.0f B, expired %d, keys %d, top: %s", holder.name(), size,
				delta.roundTripsPerSecond(), delta.commandsPerSecond(), delta.cpuPercent(), clientCpu,
				result.heapPerLease(), delta.expiredKeys(), keys, delta.topCommands(6));
		return result;
	}

	private static Section render(Section.Context ctx, List<Result> results, List<Integer> sizes, Duration ttl,
			Duration window) {
		StringBuilder md = new StringBuilder();
		md.append("Same TTL for all three: **").append(ttl.toSeconds()).append(" s**, each renewing every TTL/3 (")
			.append(fmt(ttl.toMillis() / 3.0, 0))
			.append(" ms). Measurement window: **")
			.append(window.toSeconds())
			.append(" s** per contender and size, after all streams or locks are held and one renewal interval has ")
			.append("passed. Our client owns N streams (the owner hash records each once, when it is assigned) and ")
			.append("keeps them with **one session key**, renewed by one `session-renew.lua` call (`GET` + `PEXPIRE`) ")
			.append("per tick whatever it holds (ownership v2). The others hold N locks, each a key that must be ")
			.append("renewed: RedisLockRegistry gets a `ThreadPoolTaskScheduler` of ")
			.append(RLR_THREADS)
			.append(" threads; Redisson runs with its defaults (`lockWatchdogBatchSize` ")
			.append(new org.redisson.config.Config().getLockWatchdogBatchSize())
			.append(", `lockWatchdogTimeout` = the TTL).\n\n");
		Table table = new Table("streams / locks", "contender", "take all (s)", "Redis round trips/s",
				"Redis commands executed/s (incl. inside Lua)", "Redis CPU (% of a core)", "client CPU (% of a core)",
				"heap per stream / lock (B)", "keys expired in window", "losses reported by client",
				"Redis keys at end (`DBSIZE`)");
		for (Result r : results) {
			table.row(fmt(r.leases()), r.contender(), fmt(r.acquireSeconds(), 1),
					fmt(r.redis().roundTripsPerSecond(), 1), fmt(r.redis().commandsPerSecond(), 0),
					fmt(r.redis().cpuPercent(), 1), fmt(r.clientCpuPercent(), 1), fmt(r.heapPerLease(), 0),
					fmt(r.expiredKeys()), (r.reportedLosses() < 0) ? "n/a (no API)" : fmt(r.reportedLosses()),
					fmt(r.redisKeysAtEnd()));
		}
		md.append(table).append('\n');
		md.append("Commands seen per contender at the largest size (window totals): \n\n");
		int largest = sizes.get(sizes.size() - 1);
		for (Result r : results) {
			if (r.leases() == largest) {
				md.append("- ").append(r.contender()).append(": ").append(r.redis().topCommands(8)).append('\n');
			}
		}
		md.append('\n');
		// Targets
		Table targets = new Table("target", "measured", "verdict");
		for (int size : sizes) {
			Result ours = find(results, size, "redis-stream-client");
			Result rlr = find(results, size, "Spring Integration");
			if (ours == null || rlr == null) {
				continue;
			}
			double ratio = rlr.redis().roundTripsPerSecond() / ours.redis().roundTripsPerSecond();
			targets.row("Redis calls ≥ 10x fewer than RedisLockRegistry, " + fmt(size) + " streams / locks",
					fmt(ours.redis().roundTripsPerSecond(), 1) + " vs " + fmt(rlr.redis().roundTripsPerSecond(), 1)
							+ " round trips/s: **" + fmt(ratio, 1) + "x** fewer",
					Section.verdict(ratio >= 10));
			targets.row("renewal round trips per tick = 1 whatever the consumer holds (" + fmt(size) + " streams)",
					fmt(ours.renewCallsPerTick(), 3) + " `session-renew.lua` calls per tick over " + ours.ticks()
							+ " ticks",
					Section.verdict(Math.abs(ours.renewCallsPerTick() - 1) < 0.01));
		}
		Result oursLargest = find(results, largest, "redis-stream-client");
		if (oursLargest != null) {
			targets.row("heap per held stream ≤ 1 KB (" + fmt(largest) + " streams)",
					fmt(oursLargest.heapPerLease(), 0) + " B", Section.verdict(oursLargest.heapPerLease() <= 1024));
		}
		md.append(targets).append('\n');
		// Charts
		List<String> categories = sizes.stream().map((s) -> fmt(s) + " held").toList();
		Map<String, List<Double>> calls = series(results, sizes, (r) -> r.redis().roundTripsPerSecond());
		Map<String, List<Double>> redisCpu = series(results, sizes, (r) -> r.redis().cpuPercent());
		Map<String, List<Double>> clientCpu = series(results, sizes, Result::clientCpuPercent);
		Map<String, List<Double>> heap = series(results, sizes, Result::heapPerLease);
		md.append("![Redis round trips per second](")
			.append(Charts.bars(ctx.outputDir(), "perf-renewal-calls", "Holding N: Redis round trips per second",
					"held streams / locks", "round trips/s (log)", categories, calls, true))
			.append(")\n\n");
		md.append("![Redis CPU](")
			.append(Charts.bars(ctx.outputDir(), "perf-renewal-redis-cpu", "Holding N: Redis CPU",
					"held streams / locks", "% of one core", categories, redisCpu, false))
			.append(")\n\n");
		md.append("![Client CPU](")
			.append(Charts.bars(ctx.outputDir(), "perf-renewal-client-cpu", "Holding N: client JVM CPU",
					"held streams / locks", "% of one core", categories, clientCpu, false))
			.append(")\n\n");
		md.append("![Heap per held stream or lock](")
			.append(Charts.bars(ctx.outputDir(), "perf-renewal-heap", "Holding N: client heap per held stream / lock",
					"held streams / locks", "bytes each (heap after GC)", categories, heap, false))
			.append(")\n");
		return new Section("renewal", md.toString());
	}

	private static Result find(List<Result> results, int size, String prefix) {
		return results.stream()
			.filter((r) -> r.leases() == size && r.contender().startsWith(prefix))
			.findFirst()
			.orElse(null);
	}

	private static Map<String, List<Double>> series(List<Result> results, List<Integer> sizes,
			java.util.function.ToDoubleFunction<Result> value) {
		Map<String, List<Double>> series = new LinkedHashMap<>();
		for (Result r : results) {
			series.computeIfAbsent(r.contender(), (k) -> new ArrayList<>());
		}
		for (String contender : series.keySet()) {
			for (int size : sizes) {
				Result r = results.stream()
					.filter((x) -> x.leases() == size && x.contender().equals(contender))
					.findFirst()
					.orElse(null);
				series.get(contender).add((r != null) ? value.applyAsDouble(r) : Double.NaN);
			}
		}
		return series;
	}

	// ------------------------------------------------------------------------------------------------ 10-minute hold

	static Section hold(Section.Context ctx) {
		int size = ctx.quick() ? 10_000 : 100_000;
		Duration ttl = LeaseHolderDefaults.TTL;
		Duration window = ctx.quick() ? Duration.ofSeconds(20) : Duration.ofMinutes(10);
		RedisServer redis = ctx.redis();
		Bench.reset(redis);
		long heapBase = ClientStats.heapAfterGc();
		try (LeaseHolder.Ours ours = new LeaseHolder.Ours(redis)) {
			long start = System.nanoTime();
			ours.acquire(size, ttl);
			double acquireSeconds = (System.nanoTime() - start) / 1e9;
			Bench.log("hold: %d streams held after %.1f s", size, acquireSeconds);
			Bench.sleep(ttl.toMillis() / 3 + 200);
			long heapHeld = ClientStats.heapAfterGc();
			long lossesBefore = ours.reportedLosses();
			long restartsBefore = ours.sessionRestarts();
			TickCounter tickCounter = new TickCounter(ours);
			Timer timer = ours.renewalTimer();
			RedisStats before = RedisStats.read(redis);
			ClientStats.Cpu cpu = ClientStats.Cpu.start();
			long end = System.nanoTime() + window.toNanos();
			long minHeld = Long.MAX_VALUE;
			long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < end) {
				Bench.sleep(25);
				tickCounter.poll();
				if (System.nanoTime() > nextProgress) {
					long held = ours.held();
					minHeld = Math.min(minHeld, held);
					Bench.log("hold: %d s, %d ticks, %d held, %d lost", TimeUnit.NANOSECONDS.toSeconds(
							System.nanoTime() - (end - window.toNanos())), tickCounter.ticks(), held, ours.reportedLosses());
					nextProgress += TimeUnit.SECONDS.toNanos(60);
				}
			}
			double clientCpu = cpu.percent();
			RedisStats.Delta delta = RedisStats.read(redis).since(before);
			long ticks = tickCounter.ticks();
			long renewCalls = tickCounter.calls();
			long losses = ours.reportedLosses() - lossesBefore;
			long restarts = ours.sessionRestarts() - restartsBefore;
			long held = ours.held();
			minHeld = Math.min(minHeld, held);
			long heapEnd = ClientStats.heapAfterGc();
			double perTick = (double) renewCalls / ticks;
			double heapPerLease = (double) (heapHeld - heapBase) / size;
			double heapPerLeaseEnd = (double) (heapEnd - heapBase) / size;
			Bench.log("hold: done: %d ticks, %d renewal calls (%.2f/tick), disowned %d, expired %d, held %d, cpu %.1f%%",
					ticks, renewCalls, perTick, losses, delta.expiredKeys(), held, clientCpu);
			StringBuilder md = new StringBuilder();
			md.append("Our client alone holds **").append(fmt(size)).append("** streams for **")
				.append(window.toSeconds() >= 60 ? (window.toMinutes() + " minutes") : (window.toSeconds() + " s"))
				.append("** with the default lease TTL (**").append(ttl.toMillis()).append(" ms**, its session ")
				.append("renewed every ").append(ttl.toMillis() / 3)
				.append(" ms), keyspace notifications on, nobody competing. It took ").append(fmt(acquireSeconds, 1))
				.append(" s to take all streams from the LBS.\n\n");
			Table table = new Table("measure", "value");
			table.row("renewal ticks completed", fmt(ticks))
				.row("`session-renew.lua` calls (round trips)", fmt(renewCalls))
				.row("round trips per tick", fmt(perTick, 3))
				.row("EVALSHA/s (commandstats)", fmt(delta.calls("evalsha") / delta.seconds(), 1))
				.row("GET/s + PEXPIRE/s (`PEXPIRE` runs only inside `session-renew.lua`)",
						fmt(delta.calls("get") / delta.seconds(), 0) + " + "
								+ fmt(delta.calls("pexpire") / delta.seconds(), 0))
				.row("all round trips/s (incl. LBS poll, sweep)", fmt(delta.roundTripsPerSecond(), 1))
				.row("renewal latency, max in the last ~2 min of the window (Micrometer's rolling max)",
						fmt(timer.max(TimeUnit.MILLISECONDS), 1) + " ms")
				.row("renewal latency, mean", fmt(timer.mean(TimeUnit.MILLISECONDS), 2) + " ms")
				.row("Redis CPU", fmt(delta.cpuPercent(), 1) + " % of a core")
				.row("client JVM CPU", fmt(clientCpu, 1) + " % of a core")
				.row("heap per held stream (after GC, at start / at end)",
						fmt(heapPerLease, 0) + " B / " + fmt(heapPerLeaseEnd, 0) + " B")
				.row("keys expired in Redis during the window (a lapsed session)", fmt(delta.expiredKeys()))
				.row("session restarts (the session had lapsed)", fmt(restarts))
				.row("STREAM_DISOWNED", fmt(losses))
				.row("streams held at end (min seen at the per-minute checks)", fmt(held) + " (" + fmt(minHeld) + ")");
			md.append(table).append('\n');
			Table targets = new Table("target", "measured", "verdict");
			boolean tenMinutes = window.toMinutes() >= 10;
			targets.row(fmt(size) + " streams held for 10 minutes, zero spurious losses",
					fmt(losses) + " disowned, " + fmt(delta.expiredKeys()) + " expired keys, " + fmt(restarts)
							+ " session restarts over " + window.toSeconds() + " s",
					tenMinutes ? Section.verdict(losses == 0 && delta.expiredKeys() == 0 && restarts == 0
							&& held == size) : "not measured (quick run)");
			targets.row("round trips per tick = 1 whatever the consumer holds",
					fmt(perTick, 3) + " (" + fmt(renewCalls) + " calls / " + fmt(ticks) + " ticks)",
					Section.verdict(Math.abs(perTick - 1) < 0.01));
			targets.row("heap per held stream ≤ 1 KB", fmt(heapPerLease, 0) + " B",
					Section.verdict(heapPerLease <= 1024));
			md.append(targets);
			return new Section("hold", md.toString());
		}
	}

	/** The client's defaults, for the hold. */
	static final class LeaseHolderDefaults {

		static final Duration TTL = io.github.redisstreamclient.core.RecoverableStreamClient.Builder.DEFAULT_LEASE_TTL;

		private LeaseHolderDefaults() {
		}

	}

}
