package io.github.redisstreamclient.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import io.github.redisstreamclient.benchmarks.Section.Table;
import io.github.redisstreamclient.events.EventStreamConsumer;
import io.github.redisstreamclient.events.EventStreamPublisher;
import io.github.redisstreamclient.test.RedisServer;
import io.lettuce.core.Consumer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.github.redisstreamclient.benchmarks.Bench.fmt;

/**
 * Benchmark 4: event stream publish and consume + ACK throughput, against raw Lettuce sending the same commands
 * with the same (absence of) pipelining.
 */
final class EventsBenchmark {

	static final String PREFIX = "ev";

	static final String TYPE = "order.created";

	static final String STREAM = PREFIX + ":" + TYPE;

	static final String GROUP = "bench";

	static final int BATCH = 100;

	static final int REPEATS = 3;

	record Result(String operation, String contender, int threads, int events, double seconds, RedisStats.Delta redis,
			double clientCpuPercent, double[] runs) {

		double perSecond() {
			return this.events / this.seconds;
		}

		/** The run with the median rate, carrying the rates of all runs. */
		static Result median(List<Result> runs) {
			List<Result> sorted = new ArrayList<>(runs);
			sorted.sort(java.util.Comparator.comparingDouble(Result::perSecond));
			Result m = sorted.get(sorted.size() / 2);
			return new Result(m.operation, m.contender, m.threads, m.events, m.seconds, m.redis, m.clientCpuPercent,
					runs.stream().mapToDouble(Result::perSecond).toArray());
		}

	}

	private EventsBenchmark() {
	}

	static Section run(Section.Context ctx) {
		int events = ctx.quick() ? 10_000 : 100_000;
		RedisServer redis = ctx.redis();
		List<Result> results = new ArrayList<>();
		// Warm-up (JIT) of all four paths, not reported.
		publishOurs(redis, 1, 20_000);
		publishRaw(redis, 1, 20_000);
		consumeOurs(redis, 1, 20_000);
		consumeRaw(redis, 1, 20_000);
		// Each configuration runs REPEATS times, ours and raw alternating; the tables show the median run.
		int repeats = ctx.quick() ? 1 : REPEATS;
		for (int threads : List.of(1, 4)) {
			List<Result> ours = new ArrayList<>();
			List<Result> raw = new ArrayList<>();
			for (int i = 0; i < repeats; i++) {
				ours.add(publishOurs(redis, threads, events));
				raw.add(publishRaw(redis, threads, events));
			}
			results.add(Result.median(ours));
			results.add(Result.median(raw));
		}
		for (int threads : List.of(1, 4)) {
			List<Result> ours = new ArrayList<>();
			List<Result> raw = new ArrayList<>();
			for (int i = 0; i < repeats; i++) {
				ours.add(consumeOurs(redis, threads, events));
				raw.add(consumeRaw(redis, threads, events));
			}
			results.add(Result.median(ours));
			results.add(Result.median(raw));
		}
		return render(ctx, results, events);
	}

	static Map<String, Object> payload(int i) {
		return Map.of("orderId", i, "amount", 12.5, "currency", "EUR");
	}

	/** The envelope EventStreamPublisher writes, built by hand. */
	static String json(int i) {
		return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + TYPE + "\",\"payload\":{\"orderId\":" + i
				+ ",\"amount\":12.5,\"currency\":\"EUR\"},\"metadata\":{},\"timestamp\":\"" + Instant.now() + "\"}";
	}

	private static Result timed(RedisServer redis, String operation, String contender, int threads, int events,
			Runnable work) {
		RedisStats before = RedisStats.read(redis);
		ClientStats.Cpu cpu = ClientStats.Cpu.start();
		long start = System.nanoTime();
		work.run();
		double seconds = (System.nanoTime() - start) / 1e9;
		double clientCpu = cpu.percent();
		RedisStats.Delta delta = RedisStats.read(redis).since(before);
		Result result = new Result(operation, contender, threads, events, seconds, delta, clientCpu, new double[0]);
		Bench.log("events: %s %s x%d: %d in %.2f s = %.0f/s, redis cpu %.1f%%, client cpu %.1f%%, top %s", operation,
				contender, threads, events, seconds, result.perSecond(), delta.cpuPercent(), clientCpu,
				delta.topCommands(5));
		return result;
	}

	/** Runs {@code work(i)} for i in [0, events) split over {@code threads} threads. */
	private static void parallel(int threads, int events, IntConsumer work) {
		List<Thread> running = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int from = t * events / threads;
			int to = (t + 1) * events / threads;
			Thread thread = new Thread(() -> {
				for (int i = from; i < to; i++) {
					work.accept(i);
				}
			}, "bench-worker-" + t);
			running.add(thread);
			thread.start();
		}
		for (Thread thread : running) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	static Result publishOurs(RedisServer redis, int threads, int events) {
		Bench.reset(redis);
		LettuceConnectionFactory factory = redis.connectionFactory();
		try {
			EventStreamPublisher publisher = EventStreamPublisher.builder(factory).prefix(PREFIX).maxLength(0).build();
			return timed(redis, "publish", "redis-stream-client", threads, events,
					() -> parallel(threads, events, (i) -> publisher.publish(TYPE, payload(i))));
		}
		finally {
			factory.destroy();
		}
	}

	static Result publishRaw(RedisServer redis, int threads, int events) {
		Bench.reset(redis);
		RedisClient client = Bench.rawClient(redis);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> sync = connection.sync();
			return timed(redis, "publish", "raw Lettuce XADD", threads, events,
					() -> parallel(threads, events, (i) -> sync.xadd(STREAM, Map.of("event", json(i)))));
		}
		finally {
			Bench.shutdown(client);
		}
	}

	private static void prefill(RedisServer redis, int events) {
		Bench.reset(redis);
		RedisClient client = Bench.rawClient(redis);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisAsyncCommands<String, String> async = connection.async();
			connection.setAutoFlushCommands(false);
			for (int from = 0; from < events; from += 1000) {
				List<RedisFuture<String>> batch = new ArrayList<>();
				for (int i = from; i < Math.min(events, from + 1000); i++) {
					batch.add(async.xadd(STREAM, Map.of("event", json(i))));
				}
				connection.flushCommands();
				LettuceFutures.awaitAll(Duration.ofSeconds(60), batch.toArray(new RedisFuture[0]));
			}
		}
		finally {
			Bench.shutdown(client);
		}
		redis.command("CONFIG", "RESETSTAT");
		ClientStats.heapAfterGc();
	}

	private static long pending(RedisServer redis) {
		Object reply = redis.command("XPENDING", STREAM, GROUP);
		return (Long) ((List<?>) reply).get(0);
	}

	static Result consumeOurs(RedisServer redis, int concurrency, int events) {
		prefill(redis, events);
		LettuceConnectionFactory factory = redis.connectionFactory();
		AtomicLong handled = new AtomicLong();
		EventStreamConsumer consumer = EventStreamConsumer.builder(factory, GROUP, (event) -> handled.incrementAndGet())
			.prefix(PREFIX)
			.eventTypes(List.of(TYPE))
			.concurrency(concurrency)
			.batchSize(BATCH)
			.build();
		try {
			return timed(redis, "consume + ACK", "redis-stream-client", concurrency, events, () -> {
				consumer.start();
				Bench.await("handled", Duration.ofMinutes(10), 2, () -> handled.get() >= events);
				Bench.await("acknowledged", Duration.ofMinutes(1), 2, () -> pending(redis) == 0);
			});
		}
		finally {
			consumer.close();
			factory.destroy();
		}
	}

	/** One reader thread hands batches to {@code concurrency} workers that XACK each entry, as our consumer does. */
	static Result consumeRaw(RedisServer redis, int concurrency, int events) {
		prefill(redis, events);
		RedisClient client = Bench.rawClient(redis);
		redis.command("XGROUP", "CREATE", STREAM, GROUP, "0");
		redis.command("CONFIG", "RESETSTAT");
		try (StatefulRedisConnection<String, String> readConnection = client.connect();
				StatefulRedisConnection<String, String> ackConnection = client.connect()) {
			RedisCommands<String, String> reader = readConnection.sync();
			RedisCommands<String, String> acker = ackConnection.sync();
			return timed(redis, "consume + ACK", "raw Lettuce XREADGROUP + XACK", concurrency, events, () -> {
				BlockingQueue<StreamMessage<String, String>> queue = new ArrayBlockingQueue<>(BATCH * 2);
				AtomicLong acked = new AtomicLong();
				AtomicBoolean readingDone = new AtomicBoolean();
				List<Thread> workers = new ArrayList<>();
				for (int w = 0; w < concurrency; w++) {
					Thread worker = new Thread(() -> {
						while (acked.get() < events) {
							StreamMessage<String, String> message;
							try {
								message = queue.poll(50, TimeUnit.MILLISECONDS);
							}
							catch (InterruptedException ex) {
								return;
							}
							if (message != null) {
								acker.xack(STREAM, GROUP, message.getId());
								acked.incrementAndGet();
							}
						}
					}, "raw-ack-" + w);
					workers.add(worker);
					worker.start();
				}
				long read = 0;
				while (read < events) {
					List<StreamMessage<String, String>> messages = reader.xreadgroup(Consumer.from(GROUP, "raw"),
							XReadArgs.Builder.count(BATCH).block(100), XReadArgs.StreamOffset.lastConsumed(STREAM));
					for (StreamMessage<String, String> message : messages) {
						try {
							queue.put(message);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							return;
						}
						read++;
					}
				}
				readingDone.set(true);
				for (Thread worker : workers) {
					try {
						worker.join();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
		}
		finally {
			Bench.shutdown(client);
		}
	}

	private static Section render(Section.Context ctx, List<Result> results, int events) {
		StringBuilder md = new StringBuilder();
		md.append("**").append(fmt(events)).append("** events per run; payload `{\"orderId\": i, \"amount\": 12.5, ")
			.append("\"currency\": \"EUR\"}` in the library's JSON envelope (about 180 bytes). ")
			.append("**Publish**: `EventStreamPublisher.publish` (`maxLength(0)`: no trimming) from 1 or 4 threads, ")
			.append("one synchronous `XADD` per event through the connection factory's shared connection; raw: the ")
			.append("same `XADD` with the same envelope built by string concatenation, synchronously, from the same ")
			.append("number of threads on one shared Lettuce connection. **Consume + ACK**: a backlog written ")
			.append("beforehand is drained; `EventStreamConsumer` with `batchSize ").append(BATCH)
			.append("` and `concurrency` 1 or 4 (one reader thread, N workers, handler = a counter, one `XACK` per ")
			.append("event), the clock stops when the handler saw every event and `XPENDING` is 0; raw: one reader ")
			.append("thread doing `XREADGROUP COUNT ").append(BATCH)
			.append("` into a queue and N worker threads doing one synchronous `XACK` each on a shared connection, ")
			.append("without decoding the JSON. Neither side batches commands: with 4 threads both multiplex them on ")
			.append("one connection, as Lettuce does.\n\n");
		md.append("Each configuration ran ").append(results.get(0).runs().length)
			.append(" times, ours and raw alternating; the table shows the median run (time and CPU are that run's) and ")
			.append("the rates of all runs, since single runs on this shared 2-core machine vary by ±30 % and more. ")
			.append("The targets are checked on the median of the paired ratios (run i of ours / run i of raw, run ")
			.append("back to back), so that a slow spell of the machine weighs on both sides of a pair.\n\n");
		Table table = new Table("operation", "threads / concurrency", "contender", "events/s (median)",
				"all runs (events/s)", "time (s)", "Redis CPU (% of a core)", "client CPU (% of a core)");
		for (Result r : results) {
			table.row(r.operation(), r.threads(), r.contender(), fmt(r.perSecond(), 0), Charts.list(r.runs()),
					fmt(r.seconds(), 2), fmt(r.redis().cpuPercent(), 1), fmt(r.clientCpuPercent(), 1));
		}
		md.append(table).append('\n');
		Table targets = new Table("target", "measured", "verdict");
		for (String operation : List.of("publish", "consume + ACK")) {
			double target = operation.equals("publish") ? 0.8 : 0.5;
			for (int threads : List.of(1, 4)) {
				Result ours = find(results, operation, threads, "redis-stream-client");
				Result raw = find(results, operation, threads, "raw");
				double[] ratios = Bench.pairedRatios(ours.runs(), raw.runs());
				targets.row(operation + " ≥ " + target + " of raw, " + threads + " thread(s)",
						"paired ratio **" + Bench.pairedRatioText(ratios) + "**; medians " + fmt(ours.perSecond(), 0)
								+ " / " + fmt(raw.perSecond(), 0),
						Section.verdict(Bench.median(ratios) >= target));
			}
		}
		md.append(targets).append('\n');
		List<String> categories = new ArrayList<>();
		Map<String, List<Double>> series = new LinkedHashMap<>();
		series.put("redis-stream-client", new ArrayList<>());
		series.put("raw Lettuce", new ArrayList<>());
		for (String operation : List.of("publish", "consume + ACK")) {
			for (int threads : List.of(1, 4)) {
				categories.add(operation + ", " + threads + " thr");
				series.get("redis-stream-client").add(find(results, operation, threads, "redis-stream-client").perSecond());
				series.get("raw Lettuce").add(find(results, operation, threads, "raw").perSecond());
			}
		}
		md.append("![Event stream throughput](")
			.append(Charts.bars(ctx.outputDir(), "perf-events", "Event streams: events per second", "", "events/s",
					categories, series, false))
			.append(")\n");
		return new Section("events", md.toString());
	}

	private static Result find(List<Result> results, String operation, int threads, String prefix) {
		return results.stream()
			.filter((r) -> r.operation().equals(operation) && r.threads() == threads && r.contender().startsWith(prefix))
			.findFirst()
			.orElseThrow();
	}

}
