package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.internal.ServiceKeys;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Timer;

/**
 * Section 6: the targets of ownership v2 (issue 10) in one run, side by side with the figures of the first version
 * (per-stream leases) as PERFORMANCE.md and OPERATIONS.md recorded them; the first version is not run again.
 * <ul>
 * <li><b>hold</b>: 8 consumers hold N streams (1,000,000 in the full run) at the default 2 s TTL for a window (10
 * minutes): Redis CPU, spurious losses (STREAM_DISOWNED, owner hash entries that changed, fence counter moves,
 * expired keys, session restarts), session renewals per tick per consumer, sweeps per interval;</li>
 * <li><b>growth</b>: one consumer holding 1k, 10k, 100k, 1M: client heap and Redis memory per held stream, Redis CPU,
 * sweeps per interval, as a chart;</li>
 * <li><b>takeover</b>: an owner JVM holding 100,000 streams next to 7 survivors, SIGKILLed, or closed: time until the
 * survivors own all, and the most loaded survivor's share against a fair share.</li>
 * </ul>
 * Sizes and windows come from system properties (see {@link Settings}), so that the full run (1M for 10 minutes)
 * and quick runs (100k for 60 s) use the same code.
 */
final class OwnershipBenchmark {

	static final String SERVICE = "own";

	static final Duration TTL = RecoverableStreamClient.Builder.DEFAULT_LEASE_TTL;

	static final Duration SWEEP = RecoverableStreamClient.Builder.DEFAULT_SWEEP_INTERVAL;

	static final int CONSUMERS = 8;

	static final int SURVIVORS = 7;

	static final int TARGET_STREAMS = 1_000_000;

	static final Duration TARGET_WINDOW = Duration.ofMinutes(10);

	static final int TARGET_TAKEOVER = 100_000;

	/** Replaced when the document is written by the assignment section's result (BenchmarkSuite). */
	static final String ASSIGNMENT_PLACEHOLDER = "{{assignment-ratio}}";

	/**
	 * Sizes and windows. System properties (empty = default): {@code bench.ownership.streams} (held by 8 consumers;
	 * full 1,000,000, quick 100,000), {@code bench.ownership.window} (seconds; 600 / 60),
	 * {@code bench.ownership.growth} (comma-separated sizes held by one consumer; 1000,10000,100000,1000000 /
	 * 1000,10000,100000), {@code bench.ownership.growthWindow} (seconds; 60 / 15), {@code bench.ownership.takeover}
	 * (streams of the owner that is killed or closed; 100,000) and {@code bench.ownership.rounds} (3 / 1).
	 */
	record Settings(int streams, Duration window, List<Integer> growth, Duration growthWindow, int takeoverStreams,
			int rounds) {

		static Settings of(boolean quick) {
			return new Settings(intProperty("bench.ownership.streams", quick ? 100_000 : TARGET_STREAMS),
					Duration.ofSeconds(intProperty("bench.ownership.window", quick ? 60 : 600)),
					listProperty("bench.ownership.growth",
							quick ? List.of(1_000, 10_000, 100_000) : List.of(1_000, 10_000, 100_000, 1_000_000)),
					Duration.ofSeconds(intProperty("bench.ownership.growthWindow", quick ? 15 : 60)),
					intProperty("bench.ownership.takeover", TARGET_TAKEOVER),
					intProperty("bench.ownership.rounds", quick ? 1 : 3));
		}

		private static int intProperty(String name, int defaultValue) {
			String value = System.getProperty(name, "").trim().replace("_", "");
			return value.isEmpty() ? defaultValue : Integer.parseInt(value);
		}

		private static List<Integer> listProperty(String name, List<Integer> defaultValue) {
			String value = System.getProperty(name, "").trim().replace("_", "");
			return value.isEmpty() ? defaultValue
					: Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
		}

	}

	/**
	 * One consumer holding {@code streams}; {@code ownerBytes}: what deleting the owner hash gave back
	 * ({@code used_memory} before and after, at the end), the rest of {@code redisBytes} is the LBS with its entries,
	 * group and pending lists.
	 */
	record Growth(int streams, double assignSeconds, long heapBytes, long redisBytes, long lbsBytes, long ownerBytes,
			RedisStats.Delta redis, double clientCpuPercent, long ticks, long renewCalls) {

		double heapPerStream() {
			return (double) this.heapBytes / this.streams;
		}

		double redisBytesPerStream() {
			return (double) this.redisBytes / this.streams;
		}

	}

	/** 8 consumers holding {@code streams} for {@code window}. */
	record Hold(int streams, Duration window, double assignSeconds, RedisStats.Delta redis, double clientCpuPercent,
			long disowned, long sessionRestarts, long ownerEntriesChanged, long ownerEntriesAtStart, long fenceMoves,
			long heldAtEnd, long heldMin, long ticks, long renewCalls, double maxRenewalMillis, long redisBytes,
			long[] heldPerConsumer) {

		double callsPerTick() {
			return (this.ticks == 0) ? Double.NaN : (double) this.renewCalls / this.ticks;
		}

		boolean atTarget() {
			return this.streams >= TARGET_STREAMS && this.window.compareTo(TARGET_WINDOW) >= 0;
		}

		long losses() {
			return this.disowned + this.ownerEntriesChanged + this.fenceMoves + this.sessionRestarts
					+ this.redis.expiredKeys() + Math.max(0, this.streams - this.heldAtEnd);
		}

	}

	/** An owner of {@code streams} killed or closed next to {@link #SURVIVORS} survivors. */
	record Takeover(boolean kill, int round, int streams, long[] claimedBy, double allOwnedMillis,
			long ownerCloseMillis, long leftWithOwner) {

		double fairShare() {
			return (double) this.streams / this.claimedBy.length;
		}

		double mostLoadedRatio() {
			return Arrays.stream(this.claimedBy).max().orElse(0) / fairShare();
		}

		long claimed() {
			return Arrays.stream(this.claimedBy).sum();
		}

	}

	private OwnershipBenchmark() {
	}

	static Section run(Section.Context ctx) {
		Settings settings = Settings.of(ctx.quick());
		Bench.log("ownership: %s", settings);
		RedisServer redis = ctx.redis();
		List<Growth> growth = new ArrayList<>();
		for (int size : settings.growth()) {
			growth.add(grow(redis, size, settings.growthWindow()));
		}
		List<Takeover> takeovers = new ArrayList<>();
		for (boolean kill : List.of(true, false)) {
			for (int round = 0; round < settings.rounds(); round++) {
				takeovers.add(takeover(redis, settings.takeoverStreams(), kill, round));
			}
		}
		Hold hold = hold(redis, settings.streams(), settings.window());
		return OwnershipReport.render(ctx, settings, hold, growth, takeovers);
	}

	// ------------------------------------------------------------------------------------------------ growth

	static Growth grow(RedisServer redis, int streams, Duration window) {
		Bench.reset(redis);
		long emptyMemory = RedisStats.usedMemory(redis);
		Bench.backlog(redis, SERVICE, streams);
		long heapBase = ClientStats.heapAfterGc();
		// Room above the size: once every stream is held, the consumer polls the LBS as an idle consumer does.
		try (Fleet one = new Fleet(redis, SERVICE, "grow-", 1, streams + 100, false)) {
			long start = System.nanoTime();
			one.start();
			Bench.await(streams + " streams held", Duration.ofMinutes(15), 20, () -> one.added() >= streams);
			double assignSeconds = (System.nanoTime() - start) / 1e9;
			Bench.sleep(TTL.toMillis() / 3 + 500);
			long heapBytes = ClientStats.heapAfterGc() - heapBase;
			long redisBytes = RedisStats.usedMemory(redis) - emptyMemory;
			TickCounter ticks = one.tickCounters().get(0);
			RedisStats before = RedisStats.read(redis);
			ClientStats.Cpu cpu = ClientStats.Cpu.start();
			long end = System.nanoTime() + window.toNanos();
			while (System.nanoTime() < end) {
				Bench.sleep(25);
				ticks.poll();
			}
			RedisStats.Delta delta = RedisStats.read(redis).since(before);
			double clientCpu = cpu.percent();
			// Where the memory goes: the owner hash is what deleting it gives back (the client's close() then
			// releases nothing, which does not matter here: the next step starts from an empty server).
			long usedBeforeDelete = RedisStats.usedMemory(redis);
			redis.command("DEL", new ServiceKeys(SERVICE).owner());
			long ownerBytes = usedBeforeDelete - RedisStats.usedMemory(redis);
			Growth result = new Growth(streams, assignSeconds, heapBytes, redisBytes, redisBytes - ownerBytes,
					ownerBytes, delta, clientCpu, ticks.ticks(), ticks.calls());
			Bench.log("ownership: one consumer holding %d: assigned in %.1f s, heap %.0f B/stream, Redis %.0f B/stream,"
					+ " Redis cpu %.2f%%, %d renewal calls / %d ticks, census %d, top %s", streams, assignSeconds,
					result.heapPerStream(), result.redisBytesPerStream(), delta.cpuPercent(), ticks.calls(),
					ticks.ticks(), delta.calls("xinfo|consumers"), delta.topCommands(8));
			return result;
		}
	}

	// ------------------------------------------------------------------------------------------------ hold

	static Hold hold(RedisServer redis, int streams, Duration window) {
		Bench.reset(redis);
		long emptyMemory = RedisStats.usedMemory(redis);
		ServiceKeys keys = new ServiceKeys(SERVICE);
		// Room for twice a fair share: no consumer is held back by its maximum, so each keeps polling the LBS as an
		// idle consumer in production does (a consumer at its maximum does not read at all).
		int maxOwned = 2 * ((streams + CONSUMERS - 1) / CONSUMERS);
		RedisClient raw = Bench.rawClient(redis);
		try (Fleet fleet = new Fleet(redis, SERVICE, "hold-", CONSUMERS, maxOwned, true)) {
			// The consumers run first and the producer adds the streams, as in production: they spread over all 8.
			fleet.start();
			long start = System.nanoTime();
			Bench.fillLbs(raw, SERVICE, "data-", streams);
			Bench.await(streams + " streams held", Duration.ofMinutes(20), 50, () -> fleet.added() >= streams);
			double assignSeconds = (System.nanoTime() - start) / 1e9;
			Bench.log("ownership: hold: %d streams held by %d consumers after %.1f s", streams, CONSUMERS,
					assignSeconds);
			// Past the first renewals and sweeps of every consumer.
			Bench.sleep(SWEEP.toMillis());
			long redisBytes = RedisStats.usedMemory(redis) - emptyMemory;
			Map<String, String> ownersBefore = owners(raw, keys.owner());
			long fenceBefore = fence(redis, keys);
			long disownedBefore = fleet.disowned();
			long restartsBefore = fleet.sessionRestarts();
			List<TickCounter> ticks = fleet.tickCounters();
			RedisStats before = RedisStats.read(redis);
			ClientStats.Cpu cpu = ClientStats.Cpu.start();
			long windowStart = System.nanoTime();
			long end = windowStart + window.toNanos();
			long heldMin = Long.MAX_VALUE;
			long nextCheck = windowStart + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < end) {
				Bench.sleep(25);
				ticks.forEach(TickCounter::poll);
				if (System.nanoTime() > nextCheck) {
					long held = fleet.held();
					heldMin = Math.min(heldMin, held);
					Bench.log("ownership: hold: %d s, %d held, %d disowned, Redis cpu so far %.2f%%",
							TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - windowStart), held,
							fleet.disowned() - disownedBefore, RedisStats.read(redis).since(before).cpuPercent());
					nextCheck += TimeUnit.SECONDS.toNanos(60);
				}
			}
			RedisStats.Delta delta = RedisStats.read(redis).since(before);
			double clientCpu = cpu.percent();
			long heldAtEnd = fleet.held();
			long[] perConsumer = fleet.clients().stream().mapToLong((c) -> c.ownedStreams().size()).toArray();
			heldMin = Math.min(heldMin, heldAtEnd);
			long fenceMoves = fence(redis, keys) - fenceBefore;
			Map<String, String> ownersAfter = owners(raw, keys.owner());
			long changed = 0;
			for (Map.Entry<String, String> entry : ownersAfter.entrySet()) {
				if (!entry.getValue().equals(ownersBefore.get(entry.getKey()))) {
					changed++;
				}
			}
			for (String id : ownersBefore.keySet()) {
				if (!ownersAfter.containsKey(id)) {
					changed++;
				}
			}
			long tickCount = ticks.stream().mapToLong(TickCounter::ticks).sum();
			long calls = ticks.stream().mapToLong(TickCounter::calls).sum();
			double maxRenewal = 0;
			for (int i = 0; i < CONSUMERS; i++) {
				Timer timer = fleet.renewalTimer(i);
				maxRenewal = Math.max(maxRenewal, (timer != null) ? timer.max(TimeUnit.MILLISECONDS) : 0);
			}
			Hold result = new Hold(streams, window, assignSeconds, delta, clientCpu, fleet.disowned() - disownedBefore,
					fleet.sessionRestarts() - restartsBefore, changed, ownersBefore.size(), fenceMoves, heldAtEnd,
					heldMin, tickCount, calls, maxRenewal, redisBytes, perConsumer);
			Bench.log("ownership: hold done: Redis cpu %.2f%%, disowned %d, owner entries changed %d of %d, fence moves "
					+ "%d, expired keys %d, held %d (min %d), %d calls / %d ticks, top %s", delta.cpuPercent(),
					result.disowned(), changed, ownersBefore.size(), fenceMoves, delta.expiredKeys(), heldAtEnd,
					heldMin, calls, tickCount, delta.topCommands(10));
			return result;
		}
		finally {
			Bench.shutdown(raw);
		}
	}

	/** The owner hash, read with HSCAN outside the measured window. */
	private static Map<String, String> owners(RedisClient raw, String key) {
		Map<String, String> owners = new HashMap<>();
		try (StatefulRedisConnection<String, String> connection = raw.connect()) {
			RedisCommands<String, String> sync = connection.sync();
			ScanCursor cursor = ScanCursor.INITIAL;
			do {
				MapScanCursor<String, String> page = sync.hscan(key, cursor, ScanArgs.Builder.limit(10_000));
				owners.putAll(page.getMap());
				cursor = page;
			}
			while (!cursor.isFinished());
		}
		return owners;
	}

	private static long fence(RedisServer redis, ServiceKeys keys) {
		Object value = redis.command("GET", keys.fence());
		return (value != null) ? Long.parseLong(value.toString()) : 0;
	}

	// ------------------------------------------------------------------------------------------------ takeover

	static Takeover takeover(RedisServer redis, int streams, boolean kill, int round) {
		Bench.reset(redis);
		String service = FailoverBenchmark.SERVICE;
		RedisClient raw = Bench.rawClient(redis);
		FailoverBenchmark.ProcessOwner owner = new FailoverBenchmark.ProcessOwner(redis,
				(kill ? "killed-" : "closed-") + round, streams, "1g");
		try {
			Bench.fillLbs(raw, service, "t" + round + "-", streams);
			owner.awaitHolding(streams);
			try (Fleet survivors = new Fleet(redis, service, "survivor-", SURVIVORS, streams, true)) {
				survivors.start();
				// The survivors settle (sessions, subscriptions, their first sweep turn); then the owner is stopped
				// at a random point of its renewal cycle, as a real crash would be.
				Bench.sleep(1000 + ThreadLocalRandom.current().nextLong(TTL.toMillis() / 3));
				long stopped = System.nanoTime();
				if (kill) {
					owner.stop();
				}
				else {
					owner.closeGracefully();
				}
				long deadline = stopped + TTL.plus(SWEEP).plusSeconds(60).toNanos();
				while (survivors.claimed() < streams && System.nanoTime() < deadline) {
					Bench.sleep(5);
				}
				double millis = (survivors.claimed() >= streams) ? (survivors.lastClaimNanos() - stopped) / 1e6
						: Double.NaN;
				if (!kill) {
					Bench.await("the owner's close() to return", Duration.ofSeconds(30), 10,
							() -> owner.closedMillis() >= 0);
				}
				Takeover result = new Takeover(kill, round, streams, survivors.claimedBy(), millis,
						kill ? -1 : owner.closedMillis(), pendingFor(redis, service, owner.id()));
				Bench.log("ownership: %s of an owner of %d, round %d: all owned after %.0f ms, per survivor %s (most "
						+ "%.2fx fair), left with the owner %d, owner's close() %d ms", kill ? "SIGKILL" : "close()",
						streams, round, millis, Arrays.toString(result.claimedBy()), result.mostLoadedRatio(),
						result.leftWithOwner(), result.ownerCloseMillis());
				return result;
			}
		}
		finally {
			owner.destroy();
			Bench.shutdown(raw);
		}
	}

	/** Entries still pending for {@code consumer} in the service's group ({@code XPENDING} summary). */
	private static long pendingFor(RedisServer redis, String service, String consumer) {
		List<?> summary = (List<?>) redis.command("XPENDING", service + "-input", service + "-group");
		if (summary.size() < 4 || !(summary.get(3) instanceof List<?> consumers)) {
			return 0;
		}
		for (Object c : consumers) {
			List<?> pair = (List<?>) c;
			if (consumer.equals(pair.get(0))) {
				return Long.parseLong(pair.get(1).toString());
			}
		}
		return 0;
	}

}
