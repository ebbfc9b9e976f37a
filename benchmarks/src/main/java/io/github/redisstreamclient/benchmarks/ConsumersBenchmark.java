package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.redisstreamclient.benchmarks.Section.Table;
import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.RedisClient;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.github.redisstreamclient.benchmarks.Bench.fmt;

/**
 * Benchmark 5: one service's streams held by 1 to 64 consumers, all with the default settings. What does each further
 * consumer cost Redis while nothing fails? With ownership v2 everything recurring is per consumer: one session
 * renewal per tick, the LBS reads, the turn-taking for the shared sweep, the pub/sub subscriptions; the held streams
 * cost memory only.
 */
final class ConsumersBenchmark {

	static final String SERVICE = "many";

	static final List<Integer> CONSUMERS = List.of(1, 4, 16, 64);

	/**
	 * {@code redisBytesPerStream}: Redis {@code used_memory} with every stream owned, less the empty server's;
	 * {@code lost}: STREAM_DISOWNED in the window.
	 */
	record Result(int consumers, int streams, RedisStats.Delta redis, double clientCpuPercent, long lost,
			double redisBytesPerStream) {

		double perSecond(String command) {
			return this.redis.calls(command) / this.redis.seconds();
		}

	}

	/** How one dead consumer's streams were shared by the survivors. */
	record Spread(int streams, int survivors, int[] claimedBy, double allClaimedMillis) {

		int min() {
			return java.util.Arrays.stream(this.claimedBy).min().orElse(0);
		}

		int max() {
			return java.util.Arrays.stream(this.claimedBy).max().orElse(0);
		}

		int total() {
			return java.util.Arrays.stream(this.claimedBy).sum();
		}

	}

	static final int SPREAD_STREAMS = 1000;

	static final int SPREAD_SURVIVORS = 9;

	static final int SPREAD_ROUNDS = 3;

	private ConsumersBenchmark() {
	}

	static Section run(Section.Context ctx) {
		int streams = ctx.quick() ? 10_000 : 100_000;
		Duration window = ctx.quick() ? Duration.ofSeconds(10) : Duration.ofSeconds(30);
		List<Result> results = new ArrayList<>();
		for (int consumers : CONSUMERS) {
			results.add(measure(ctx.redis(), consumers, streams, window));
		}
		List<Spread> spreads = new ArrayList<>();
		for (int round = 0; round < (ctx.quick() ? 1 : SPREAD_ROUNDS); round++) {
			spreads.add(spread(ctx.redis(), round));
		}
		return render(ctx, results, streams, window, spreads);
	}

	/**
	 * An owner JVM holding {@link #SPREAD_STREAMS} streams is killed; {@link #SPREAD_SURVIVORS} survivors in this JVM
	 * (defaults, auto-claim on) take them over. Who got how many?
	 */
	static Spread spread(RedisServer redis, int round) {
		Bench.reset(redis);
		String service = FailoverBenchmark.SERVICE;
		RedisClient raw = Bench.rawClient(redis);
		FailoverBenchmark.ProcessOwner owner = new FailoverBenchmark.ProcessOwner(redis, "spread-owner-" + round);
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		List<RecoverableStreamClient> survivors = new ArrayList<>();
		int[] claimedBy = new int[SPREAD_SURVIVORS];
		AtomicLong claimed = new AtomicLong();
		try {
			Bench.fillLbs(raw, service, "spread-", SPREAD_STREAMS);
			owner.awaitHolding(SPREAD_STREAMS);
			for (int i = 0; i < SPREAD_SURVIVORS; i++) {
				int index = i;
				LettuceConnectionFactory factory = redis.connectionFactory();
				factories.add(factory);
				RecoverableStreamClient survivor = RecoverableStreamClient.builder(factory, service)
					.consumerId("spread-survivor-" + i)
					.autoClaim(true)
					.listener((n) -> {
						if (n.type() == StreamNotification.Type.STREAM_ADDED && n.claimed()) {
							synchronized (claimedBy) {
								claimedBy[index]++;
							}
							claimed.incrementAndGet();
						}
					})
					.build();
				survivors.add(survivor);
				survivor.start();
			}
			long killed = System.nanoTime();
			owner.stop();
			Bench.await(SPREAD_STREAMS + " streams claimed", Duration.ofSeconds(60), 5,
					() -> claimed.get() >= SPREAD_STREAMS);
			double millis = (System.nanoTime() - killed) / 1e6;
			int[] counts;
			synchronized (claimedBy) {
				counts = claimedBy.clone();
			}
			Spread spread = new Spread(SPREAD_STREAMS, SPREAD_SURVIVORS, counts, millis);
			Bench.log("consumers: spread round %d: %s in %.0f ms", round, java.util.Arrays.toString(counts), millis);
			return spread;
		}
		finally {
			survivors.forEach(RecoverableStreamClient::close);
			factories.forEach(LettuceConnectionFactory::destroy);
			owner.destroy();
			Bench.shutdown(raw);
		}
	}

	static Result measure(RedisServer redis, int consumers, int streams, Duration window) {
		Bench.reset(redis);
		long emptyMemory = RedisStats.usedMemory(redis);
		Bench.backlog(redis, SERVICE, streams);
		AtomicLong added = new AtomicLong();
		AtomicLong lost = new AtomicLong();
		// Every consumer may hold its share and no more, so the backlog spreads evenly.
		int share = (streams + consumers - 1) / consumers;
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		List<RecoverableStreamClient> clients = new ArrayList<>();
		for (int i = 0; i < consumers; i++) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			factories.add(factory);
			RecoverableStreamClient client = RecoverableStreamClient.builder(factory, SERVICE)
				.consumerId("many-" + i)
				.maxOwnedStreams(share)
				.keyspaceNotifications(KeyspaceNotifications.AUTO)
				.listener((n) -> {
					if (n.type() == StreamNotification.Type.STREAM_ADDED) {
						added.incrementAndGet();
					}
					else if (n.type() == StreamNotification.Type.STREAM_DISOWNED) {
						lost.incrementAndGet();
					}
				})
				.build();
			clients.add(client);
			client.start();
		}
		try {
			Bench.await(streams + " streams owned", Duration.ofMinutes(5), 10, () -> added.get() >= streams);
			// Past the first renewal and sweep of every consumer.
			Bench.sleep(RecoverableStreamClient.Builder.DEFAULT_SWEEP_INTERVAL.toMillis());
			redis.command("CONFIG", "RESETSTAT");
			RedisStats before = RedisStats.read(redis);
			long lostBefore = lost.get();
			ClientStats.Cpu cpu = ClientStats.Cpu.start();
			Bench.sleep(window.toMillis());
			RedisStats.Delta delta = RedisStats.read(redis).since(before);
			double bytesPerStream = (double) (RedisStats.usedMemory(redis) - emptyMemory) / streams;
			Result result = new Result(consumers, streams, delta, cpu.percent(), lost.get() - lostBefore,
					bytesPerStream);
			Bench.log("consumers: %d x %d streams: redis cpu %.1f%%, %.0f round trips/s, %.0f commands/s, "
					+ "client cpu %.1f%%, lost %d, expired keys %d, redis %.0f B/stream, top %s", consumers, share,
					delta.cpuPercent(), delta.roundTripsPerSecond(), delta.commandsPerSecond(), result.clientCpuPercent(),
					result.lost(), delta.expiredKeys(), bytesPerStream, delta.topCommands(8));
			return result;
		}
		finally {
			clients.forEach(RecoverableStreamClient::close);
			factories.forEach(LettuceConnectionFactory::destroy);
		}
	}

	private static Section render(Section.Context ctx, List<Result> results, int streams, Duration window,
			List<Spread> spreads) {
		StringBuilder md = new StringBuilder();
		md.append("**").append(fmt(streams)).append("** streams of one service are held by N consumers (each a ")
			.append("client with its own connection factory, in this JVM; each may own at most streams / N, so the ")
			.append("backlog spreads evenly), all with the defaults: lease TTL ")
			.append(RecoverableStreamClient.Builder.DEFAULT_LEASE_TTL.toMillis()).append(" ms, sweep every ")
			.append(RecoverableStreamClient.Builder.DEFAULT_SWEEP_INTERVAL.toSeconds())
			.append(" s, keyspace notifications on. Once every stream is owned and a sweep interval has passed, ")
			.append("Redis is measured over ").append(window.toSeconds())
			.append(" s in which nothing fails: what holding costs, and what each further consumer adds. ")
			.append("Each consumer renews its one session key per tick (`session-renew.lua`: `GET` + `PEXPIRE`, ")
			.append("every TTL/3), whatever it holds; the consumers take turns to sweep (`sweep-turn.lua`, a `TIME` + ")
			.append("`GET` per consumer every interval / 8) and the one whose turn it is runs `census.lua` once per ")
			.append("interval for the whole service (`XINFO CONSUMERS` and an `EXISTS` per consumer's session). Redis ")
			.append("memory per stream is `used_memory` with every stream owned less the empty server's: the LBS entry ")
			.append("(with its JSON), its pending-list entry and its field in the owner hash.\n\n");
		Table table = new Table("consumers", "streams each", "Redis CPU (% of a core)", "round trips/s",
				"commands/s (scripts' included)", "session renewals (`PEXPIRE`)/s", "census `XINFO CONSUMERS`/s",
				"`EXISTS`/s", "`XREADGROUP`/s", "client CPU (% of a core, all consumers)", "streams disowned",
				"keys expired", "Redis memory per stream (bytes)");
		for (Result r : results) {
			table.row(r.consumers(), fmt((r.streams() + r.consumers() - 1) / r.consumers()),
					fmt(r.redis().cpuPercent(), 1), fmt(r.redis().roundTripsPerSecond(), 1),
					fmt(r.redis().commandsPerSecond(), 0), fmt(r.perSecond("pexpire"), 1),
					fmt(r.perSecond("xinfo|consumers"), 2), fmt(r.perSecond("exists"), 1),
					fmt(r.perSecond("xreadgroup"), 1), fmt(r.clientCpuPercent(), 1), r.lost(),
					r.redis().expiredKeys(), fmt(r.redisBytesPerStream(), 0));
		}
		md.append(table).append('\n');
		Map<String, List<Double>> series = new LinkedHashMap<>();
		for (Result r : results) {
			series.computeIfAbsent("Redis CPU (% of a core)", (k) -> new ArrayList<>()).add(r.redis().cpuPercent());
		}
		md.append("![Redis CPU by number of consumers](")
			.append(Charts.bars(ctx.outputDir(), "perf-consumers",
					"Redis CPU holding " + fmt(streams) + " streams, by number of consumers", "consumers",
					"% of a core", results.stream().map((r) -> r.consumers() + " consumers").toList(), series, false))
			.append(")\n");
		md.append("\n**When a consumer dies**: an owner JVM holding ").append(fmt(SPREAD_STREAMS))
			.append(" streams is killed (`SIGKILL`); ").append(SPREAD_SURVIVORS)
			.append(" survivors (defaults, auto-claim on, in this JVM) take its streams over. Every survivor hears of ")
			.append("the dead consumer once (its session key's `expired` keyevent), claims at most a fair share ")
			.append("(`ceil(streams / live consumers)`) first and whatever is left after 200 ms; ")
			.append("the table shows how evenly (a perfect share is ").append(fmt(SPREAD_STREAMS / SPREAD_SURVIVORS))
			.append(" or ").append(fmt(SPREAD_STREAMS / SPREAD_SURVIVORS + 1)).append(").\n\n");
		Table spreadTable = new Table("round", "streams claimed", "fewest / most by one survivor",
				"per survivor", "kill → all claimed (ms)");
		for (int i = 0; i < spreads.size(); i++) {
			Spread sp = spreads.get(i);
			spreadTable.row(i + 1, fmt(sp.total()), sp.min() + " / " + sp.max(),
					java.util.Arrays.toString(sp.claimedBy()), fmt(sp.allClaimedMillis(), 0));
		}
		md.append(spreadTable);
		return new Section("consumers", md.toString());
	}

}
