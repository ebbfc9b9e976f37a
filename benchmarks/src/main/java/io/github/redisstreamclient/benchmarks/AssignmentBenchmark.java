package io.github.redisstreamclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.redisstreamclient.benchmarks.Section.Table;
import io.github.redisstreamclient.core.KeyspaceNotifications;
import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.core.RecoverableStreamClient;
import io.github.redisstreamclient.core.StreamNotification;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.Consumer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.github.redisstreamclient.benchmarks.Bench.fmt;

/**
 * Benchmark 2: LBS entries in, STREAM_ADDED out, with 1 and 4 consumers, against raw Lettuce loops doing the same
 * work: XREADGROUP then one HSET into the owner hash per entry, either each waited for (the plain loop) or the
 * batch's HSETs pipelined (the best a hand-written loop does).
 */
final class AssignmentBenchmark {

	static final String SERVICE = "assign";

	static final int READ_COUNT = 100;

	static final int REPEATS = 3;

	static final Duration TTL = Duration.ofSeconds(30);

	/** The owner hash the raw loops write, as the client's assign.lua does. */
	static final String OWNER = "{" + SERVICE + "-input}:owner";

	static final String OURS = "redis-stream-client";

	static final String RAW = "raw Lettuce: XREADGROUP + an HSET per entry";

	static final String RAW_PIPELINED = "raw Lettuce: XREADGROUP + the batch's HSETs pipelined";

	/** The target of ownership v2 (issue 10); section 6 quotes this row. */
	static final String V2_TARGET = "≥ 0.8 of the pipelined raw loop, one consumer (ownership v2";

	/** {@code roundTrips}: commands sent, where a script call or a pipelined batch counts once. */
	record Result(String contender, int consumers, int entries, double seconds, RedisStats.Delta redis,
			long roundTrips, double clientCpuPercent, double readerCpuPercent, double[] runs) {

		/** The run with the median rate, carrying the rates of all runs. */
		static Result median(List<Result> runs) {
			List<Result> sorted = new ArrayList<>(runs);
			sorted.sort(java.util.Comparator.comparingDouble(Result::perSecond));
			Result m = sorted.get(sorted.size() / 2);
			return new Result(m.contender, m.consumers, m.entries, m.seconds, m.redis, m.roundTrips,
					m.clientCpuPercent, m.readerCpuPercent, runs.stream().mapToDouble(Result::perSecond).toArray());
		}

		double perSecond() {
			return this.entries / this.seconds;
		}

	}

	private AssignmentBenchmark() {
	}

	static Section run(Section.Context ctx) {
		int entries = ctx.quick() ? 10_000 : 100_000;
		List<Result> results = new ArrayList<>();
		for (int consumers : List.of(1, 4)) {
			// Warm-up of both paths (JIT), not reported.
			if (consumers == 1) {
				ours(ctx.redis(), 1, Math.min(entries, 20_000));
				raw(ctx.redis(), 1, Math.min(entries, 20_000), false);
				raw(ctx.redis(), 1, Math.min(entries, 20_000), true);
			}
			// The contenders alternate; the tables show the median run.
			List<Result> ours = new ArrayList<>();
			List<Result> raw = new ArrayList<>();
			List<Result> pipelined = new ArrayList<>();
			for (int i = 0; i < (ctx.quick() ? 1 : REPEATS); i++) {
				ours.add(ours(ctx.redis(), consumers, entries));
				raw.add(raw(ctx.redis(), consumers, entries, false));
				pipelined.add(raw(ctx.redis(), consumers, entries, true));
			}
			results.add(Result.median(ours));
			results.add(Result.median(raw));
			results.add(Result.median(pipelined));
		}
		List<double[]> producers = new ArrayList<>();
		for (int threads : List.of(1, 4)) {
			producers.add(new double[] { threads, produce(ctx.redis(), threads, ctx.quick() ? 5_000 : 40_000) });
		}
		return render(ctx, results, entries, producers);
	}

	/** {@code LoadBalancerStream.add} from {@code threads} threads sharing one client: entries added per second. */
	static double produce(RedisServer redis, int threads, int entries) {
		Bench.reset(redis);
		LettuceConnectionFactory factory = redis.connectionFactory();
		try {
			LoadBalancerStream lbs = LoadBalancerStream.of(factory, SERVICE);
			lbs.add("warm-up");
			AtomicLong next = new AtomicLong();
			AtomicLong added = new AtomicLong();
			List<Thread> workers = new ArrayList<>();
			long start = System.nanoTime();
			for (int t = 0; t < threads; t++) {
				Thread worker = new Thread(() -> {
					long i;
					while ((i = next.getAndIncrement()) < entries) {
						lbs.add("data-" + i, Map.of("n", i));
						added.incrementAndGet();
					}
				}, "producer-" + t);
				workers.add(worker);
				worker.start();
			}
			for (Thread worker : workers) {
				worker.join();
			}
			if (added.get() != entries) {
				throw new IllegalStateException("Only " + added.get() + " of " + entries + " LBS entries were added");
			}
			double perSecond = entries / ((System.nanoTime() - start) / 1e9);
			Bench.log("assignment: producer x%d threads: %.0f LBS entries/s", threads, perSecond);
			return perSecond;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			factory.destroy();
		}
	}

	private static void prepare(RedisServer redis, int entries) {
		Bench.reset(redis);
		Bench.backlog(redis, SERVICE, entries);
		redis.command("CONFIG", "RESETSTAT");
		ClientStats.heapAfterGc();
	}

	static Result ours(RedisServer redis, int consumers, int entries) {
		prepare(redis, entries);
		AtomicLong added = new AtomicLong();
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		List<RecoverableStreamClient> clients = new ArrayList<>();
		for (int i = 0; i < consumers; i++) {
			LettuceConnectionFactory factory = redis.connectionFactory();
			factories.add(factory);
			clients.add(RecoverableStreamClient.builder(factory, SERVICE)
				.consumerId("assign-" + i)
				.leaseTtl(TTL)
				.lbsIdleTime(TTL.multipliedBy(3))
				.maxOwnedStreams(entries)
				.lbsBatchSize(READ_COUNT)
				.keyspaceNotifications(KeyspaceNotifications.AUTO)
				.listener((n) -> {
					if (n.type() == StreamNotification.Type.STREAM_ADDED) {
						added.incrementAndGet();
					}
				})
				.build());
		}
		RedisStats before = RedisStats.read(redis);
		ClientStats.Cpu cpu = ClientStats.Cpu.start();
		long start = System.nanoTime();
		clients.forEach(RecoverableStreamClient::start);
		Bench.await(entries + " STREAM_ADDED", Duration.ofMinutes(10), 2, () -> added.get() >= entries);
		double seconds = (System.nanoTime() - start) / 1e9;
		double clientCpu = cpu.percent();
		RedisStats.Delta delta = RedisStats.read(redis).since(before);
		// The LBS reader threads were started by start(), so their CPU time is all spent in this run.
		double readerCpu = 100.0 * threadsCpuNanos("rsc-lbs-") / 1e9 / seconds / consumers;
		clients.forEach(RecoverableStreamClient::close);
		factories.forEach(LettuceConnectionFactory::destroy);
		Result result = new Result(OURS, consumers, entries, seconds, delta, delta.roundTrips(), clientCpu, readerCpu,
				new double[0]);
		Bench.log("assignment: ours x%d: %d in %.2f s = %.0f/s, redis cpu %.1f%%, client cpu %.1f%%, reader cpu %.1f%%, "
				+ "top %s", consumers, entries, seconds, result.perSecond(), delta.cpuPercent(), clientCpu, readerCpu,
				delta.topCommands(6));
		return result;
	}

	static Result raw(RedisServer redis, int consumers, int entries, boolean pipelined) {
		prepare(redis, entries);
		RedisClient client = Bench.rawClient(redis);
		AtomicLong done = new AtomicLong();
		AtomicLong readerCpuNanos = new AtomicLong();
		AtomicLong flushes = new AtomicLong();
		List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
		for (int i = 0; i < consumers; i++) {
			connections.add(client.connect());
		}
		List<Thread> threads = new ArrayList<>();
		RedisStats before = RedisStats.read(redis);
		ClientStats.Cpu cpu = ClientStats.Cpu.start();
		long start = System.nanoTime();
		for (int i = 0; i < consumers; i++) {
			StatefulRedisConnection<String, String> connection = connections.get(i);
			RedisCommands<String, String> sync = connection.sync();
			RedisAsyncCommands<String, String> async = connection.async();
			String name = "raw-" + i;
			Thread thread = new Thread(() -> {
				long token = 0;
				// The owner hash of ownership v2: one HSET per entry, as assign.lua writes it.
				List<RedisFuture<Boolean>> sets = new ArrayList<>(READ_COUNT);
				while (done.get() < entries) {
					List<StreamMessage<String, String>> messages = sync.xreadgroup(
							Consumer.from(SERVICE + "-group", name), XReadArgs.Builder.count(READ_COUNT).block(100),
							XReadArgs.StreamOffset.lastConsumed(SERVICE + "-input"));
					if (!pipelined) {
						for (StreamMessage<String, String> message : messages) {
							sync.hset(OWNER, message.getId(), name + ":" + (++token));
							done.incrementAndGet();
						}
						continue;
					}
					if (messages.isEmpty()) {
						continue;
					}
					// Written in one flush, then waited for together: one round trip for the batch.
					connection.setAutoFlushCommands(false);
					sets.clear();
					for (StreamMessage<String, String> message : messages) {
						sets.add(async.hset(OWNER, message.getId(), name + ":" + (++token)));
					}
					connection.flushCommands();
					connection.setAutoFlushCommands(true);
					flushes.incrementAndGet();
					if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), sets.toArray(new RedisFuture[0]))) {
						throw new IllegalStateException("pipelined HSETs did not complete");
					}
					done.addAndGet(messages.size());
				}
				readerCpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
			}, "raw-assign-" + i);
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		double clientCpu = cpu.percent();
		RedisStats.Delta delta = RedisStats.read(redis).since(before);
		connections.forEach(StatefulRedisConnection::close);
		Bench.shutdown(client);
		double readerCpu = 100.0 * readerCpuNanos.get() / 1e9 / seconds / consumers;
		// HSET counts as run inside a script in RedisStats; here each HSET is a round trip, or each pipelined batch.
		long roundTrips = delta.roundTrips() + (pipelined ? flushes.get() : delta.calls("hset"));
		Result result = new Result(pipelined ? RAW_PIPELINED : RAW, consumers, entries, seconds, delta, roundTrips,
				clientCpu, readerCpu, new double[0]);
		Bench.log("assignment: raw%s x%d: %d in %.2f s = %.0f/s, redis cpu %.1f%%, client cpu %.1f%%, reader cpu %.1f%%, "
				+ "top %s", pipelined ? " pipelined" : "", consumers, entries, seconds, result.perSecond(),
				delta.cpuPercent(), clientCpu, readerCpu, delta.topCommands(6));
		return result;
	}

	/** CPU time of the live threads whose name starts with {@code prefix}. */
	static long threadsCpuNanos(String prefix) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long sum = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith(prefix)) {
				long cpu = threads.getThreadCpuTime(thread.getId());
				sum += Math.max(cpu, 0);
			}
		}
		return sum;
	}

	private static Section render(Section.Context ctx, List<Result> results, int entries, List<double[]> producers) {
		StringBuilder md = new StringBuilder();
		md.append("A backlog of **").append(fmt(entries)).append("** LBS entries (written by a pipelined `XADD` ")
			.append("before the clock starts, to a group created at `0`) is drained by N consumers in this JVM; the ")
			.append("clock runs from `start()` of the first client to the last `STREAM_ADDED` notification reaching ")
			.append("the listener. Our client reads `XREADGROUP COUNT ").append(READ_COUNT).append("` on one kept ")
			.append("connection, parses each entry's JSON, records the owner of the whole batch in one `assign.lua` ")
			.append("call (per batch one session check and INCRBY of the fence, per entry HEXISTS, one HSET for all) ")
			.append("and queues the notifications. The raw loops read the same way and write one `HSET owner` per ")
			.append("entry, one connection per consumer thread: **")
			.append(RAW).append("** waits for each HSET (the plain loop); **").append(RAW_PIPELINED)
			.append("** writes the batch's HSETs in one flush and waits for them together. Lease TTL ")
			.append(TTL.toSeconds()).append(" s for all.\n\n");
		md.append("Each configuration ran ").append(results.get(0).runs().length)
			.append(" times, the contenders alternating; the table shows the median run (all other columns are that ")
			.append("run's) and the rates of all runs. The targets are checked on the median of the paired ratios (run ")
			.append("i of ours / run i of the raw loop, run back to back). Round trips count a script call or a ")
			.append("pipelined batch once.\n\n");
		Table table = new Table("consumers", "contender", "assignments/s (median)", "all runs (/s)", "time (s)",
				"Redis round trips/s",
				"round trips per assignment", "Redis CPU (% of a core)", "client CPU (% of a core)",
				"reading thread on CPU (% of its wall time, per consumer)");
		for (Result r : results) {
			table.row(r.consumers(), r.contender(), fmt(r.perSecond(), 0), Charts.list(r.runs()), fmt(r.seconds(), 2),
					fmt(r.roundTrips() / r.redis().seconds(), 0), fmt((double) r.roundTrips() / r.entries(), 3),
					fmt(r.redis().cpuPercent(), 1), fmt(r.clientCpuPercent(), 1), fmt(r.readerCpuPercent(), 1));
		}
		md.append(table).append('\n');
		Table targets = new Table("target", "measured", "verdict");
		for (int consumers : List.of(1, 4)) {
			Result ours = find(results, consumers, OURS);
			if (consumers == 1) {
				targets.row("≥ 10,000 assignments/s, one consumer", fmt(ours.perSecond(), 0) + "/s",
						Section.verdict(ours.perSecond() >= 10_000));
			}
			for (String rawContender : List.of(RAW, RAW_PIPELINED)) {
				Result raw = find(results, consumers, rawContender);
				double[] ratios = Bench.pairedRatios(ours.runs(), raw.runs());
				String measured = "paired ratio **" + Bench.pairedRatioText(ratios) + "**; medians "
						+ fmt(ours.perSecond(), 0) + " / " + fmt(raw.perSecond(), 0);
				targets.row("≥ 0.5 of " + rawContender + ", " + consumers + " consumer(s)", measured,
						Section.verdict(Bench.median(ratios) >= 0.5));
				if (consumers == 1 && rawContender.equals(RAW_PIPELINED)) {
					targets.row(V2_TARGET + " target; the first version: 0.67)", measured,
							Section.verdict(Bench.median(ratios) >= 0.8));
				}
			}
		}
		md.append(targets).append('\n');
		Map<String, List<Double>> series = new LinkedHashMap<>();
		for (Result r : results) {
			series.computeIfAbsent(r.contender(), (k) -> new ArrayList<>()).add(r.perSecond());
		}
		md.append("![Assignment throughput](")
			.append(Charts.bars(ctx.outputDir(), "perf-assignment", "Assignments per second (LBS entry → STREAM_ADDED)",
					"consumers", "assignments/s", List.of("1 consumer", "4 consumers"), series, false))
			.append(")\n");
		md.append("\nThe producer side, for the operating limits: `LoadBalancerStream.add` (one `XADD` each, waited for) ")
			.append("from threads sharing one client (Lettuce pipelines their commands on its one connection).\n\n");
		Table producerTable = new Table("producer threads", "LBS entries added per second");
		for (double[] p : producers) {
			producerTable.row((int) p[0], fmt(p[1], 0));
		}
		md.append(producerTable);
		return new Section("assignment", md.toString());
	}

	private static Result find(List<Result> results, int consumers, String contender) {
		return results.stream()
			.filter((r) -> r.consumers() == consumers && r.contender().equals(contender))
			.findFirst()
			.orElseThrow();
	}

}
