package io.github.redisstreamclient.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Benchmark 3: how long a stream is without an owner after its owner dies hard (SIGKILL), with keyspace
 * notifications of its session key and with the sweep alone; and after a graceful close() (handoff).
 * <p>
 * One round: a fresh owner JVM ({@link FailoverOwner}) takes {@code streams} LBS entries; then a survivor client is
 * started in this JVM; the owner is killed with SIGKILL; the latency of each stream runs from just before the kill
 * to the survivor's claimed STREAM_ADDED for it. The survivor finishes the streams (done) and closes; the next round
 * starts a new owner JVM. Handoff rounds are the same with an in-process owner that is close()d instead of killed.
 */
final class FailoverBenchmark {

	static final String SERVICE = "failover";

	static final Duration TTL = RecoverableStreamClient.Builder.DEFAULT_LEASE_TTL;

	static final Duration SWEEP = Duration.ofSeconds(5);

	record Mode(String name, boolean kill, KeyspaceNotifications notifications, Duration sweep, long targetMillis,
			String target) {
	}

	record Result(Mode mode, int rounds, int streamsPerRound, double[] latenciesMs, long lost) {

		double p(double percentile) {
			return Bench.percentile(this.latenciesMs, percentile);
		}

	}

	private FailoverBenchmark() {
	}

	static Section run(Section.Context ctx) {
		int rounds = ctx.quick() ? 3 : 20;
		int streams = ctx.quick() ? 5 : 10;
		List<Mode> modes = List.of(
				new Mode("kill -9, keyspace notifications + sweep", true, KeyspaceNotifications.AUTO,
						RecoverableStreamClient.Builder.DEFAULT_SWEEP_INTERVAL, TTL.toMillis() + 300,
						"p99 ≤ lease TTL + 300 ms = " + (TTL.toMillis() + 300) + " ms"),
				new Mode("kill -9, sweep only (notifications off)", true, KeyspaceNotifications.OFF, SWEEP,
						TTL.plus(SWEEP).toMillis(),
						"p99 ≤ lease TTL + sweep interval = " + TTL.plus(SWEEP).toMillis() + " ms"),
				new Mode("close() handoff", false, KeyspaceNotifications.AUTO,
						RecoverableStreamClient.Builder.DEFAULT_SWEEP_INTERVAL, 100, "p99 ≤ 100 ms"));
		List<Result> results = new ArrayList<>();
		for (Mode mode : modes) {
			results.add(measure(ctx.redis(), mode, rounds, streams));
		}
		return render(ctx, results);
	}

	static Result measure(RedisServer redis, Mode mode, int rounds, int streams) {
		Bench.reset(redis);
		List<Double> latencies = new ArrayList<>();
		long lost = 0;
		RedisClient raw = Bench.rawClient(redis);
		try {
			for (int round = 0; round < rounds; round++) {
				String prefix = "r" + round + "-";
				Owner owner = mode.kill() ? new ProcessOwner(redis, "owner-" + round) : new LocalOwner(redis, "owner-" + round);
				try {
					Bench.fillLbs(raw, SERVICE, prefix, streams);
					owner.awaitHolding(streams);
					Map<String, Long> claimedAt = new ConcurrentHashMap<>();
					LettuceConnectionFactory factory = redis.connectionFactory();
					RecoverableStreamClient survivor = RecoverableStreamClient.builder(factory, SERVICE)
						.consumerId("survivor-" + round)
						.leaseTtl(TTL)
						.lbsIdleTime(TTL.multipliedBy(3))
						.autoClaim(true)
						.keyspaceNotifications(mode.notifications())
						.sweepInterval(mode.sweep())
						.listener((n) -> {
							if (n.type() == StreamNotification.Type.STREAM_ADDED && n.claimed()) {
								claimedAt.putIfAbsent(n.streamName(), System.nanoTime());
							}
						})
						.build();
					survivor.start();
					// Kill at a random point of the owner's renewal cycle, as a real crash would.
					Bench.sleep((long) (Math.random() * TTL.toMillis() / 3));
					long stopped = System.nanoTime();
					owner.stop();
					long deadline = System.nanoTime() + TTL.plus(mode.sweep()).plusSeconds(10).toNanos();
					while (claimedAt.size() < streams && System.nanoTime() < deadline) {
						Bench.sleep(5);
					}
					for (Long at : claimedAt.values()) {
						latencies.add((at - stopped) / 1e6);
					}
					lost += streams - claimedAt.size();
					for (String name : claimedAt.keySet()) {
						survivor.done(name);
					}
					survivor.close();
					factory.destroy();
				}
				finally {
					owner.destroy();
				}
				Bench.log("failover: %s round %d: %d/%d claimed, max so far %.0f ms", mode.name(), round,
						latencies.size(), (round + 1) * streams, latencies.stream().mapToDouble(Double::doubleValue).max().orElse(0));
			}
		}
		finally {
			Bench.shutdown(raw);
		}
		double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		Result result = new Result(mode, rounds, streams, sorted, lost);
		Bench.log("failover: %s: n=%d p50 %.0f p95 %.0f p99 %.0f max %.0f ms, not taken over %d", mode.name(),
				sorted.length, result.p(50), result.p(95), result.p(99), result.p(100), lost);
		return result;
	}

	private static Section render(Section.Context ctx, List<Result> results) {
		StringBuilder md = new StringBuilder();
		md.append("Lease TTL **").append(TTL.toMillis()).append(" ms** (the default: the TTL of each consumer's ")
			.append("session key, renewed every ").append(TTL.toMillis() / 3).append(" ms). Each round: a fresh owner takes ")
			.append(results.get(0).streamsPerRound())
			.append(" streams, a survivor client starts (auto-claim on), the owner is stopped at a random point of ")
			.append("its renewal cycle, and each stream's latency runs from just before the stop to the survivor's ")
			.append("claimed `STREAM_ADDED` for it. For the kills the owner is a JVM of its own (`FailoverOwner`) ")
			.append("killed with SIGKILL (`Process.destroyForcibly`): no shutdown hook, no handoff. ")
			.append("The survivor hears of the dead owner once, when its session key expires (keyevent) or from the ")
			.append("sweep (`census.lua`: `XINFO CONSUMERS` and a session check per consumer), and claims its streams ")
			.append("with `claim.lua`; after `close()` the owner has deleted its session and announced itself, so the ")
			.append("survivor claims at once. One survivor, so every stream of the dead owner goes to it. Notifications mode uses the ")
			.append("default sweep interval (10 s) as a safety net; sweep-only mode sweeps every ")
			.append(SWEEP.toSeconds()).append(" s.\n\n");
		Table table = new Table("mode", "failovers (owners stopped x streams each)", "p50 (ms)", "p95 (ms)", "p99 (ms)",
				"max (ms)", "not taken over", "target", "verdict");
		for (Result r : results) {
			table.row(r.mode().name(), r.latenciesMs().length + " (" + r.rounds() + " x " + r.streamsPerRound() + ")",
					fmt(r.p(50), 0), fmt(r.p(95), 0), fmt(r.p(99), 0), fmt(r.p(100), 0), fmt(r.lost()),
					r.mode().target(), Section.verdict(r.p(99) <= r.mode().targetMillis() && r.lost() == 0));
		}
		md.append(table).append('\n');
		Map<String, List<Double>> kills = new LinkedHashMap<>();
		for (Result r : results) {
			if (r.mode().kill()) {
				kills.put(r.mode().name(), Arrays.stream(r.latenciesMs()).boxed().toList());
			}
		}
		md.append("![Failover latency histogram](")
			.append(Charts.histogram(ctx.outputDir(), "perf-failover-histogram",
					"Failover latency after kill -9 (lease TTL " + TTL.toMillis() + " ms)", kills, 40))
			.append(")\n\n");
		Map<String, List<Double>> handoff = new LinkedHashMap<>();
		for (Result r : results) {
			if (!r.mode().kill()) {
				handoff.put(r.mode().name(), Arrays.stream(r.latenciesMs()).boxed().toList());
			}
		}
		md.append("![Handoff latency histogram](")
			.append(Charts.histogram(ctx.outputDir(), "perf-failover-handoff", "Handoff latency after close()",
					handoff, 20))
			.append(")\n");
		return new Section("failover", md.toString());
	}

	/** The owner of a round. */
	interface Owner {

		void awaitHolding(int streams);

		/** Ends the owner: SIGKILL or close(). */
		void stop();

		/** Cleans up whatever is left. */
		void destroy();

	}

	/** An owner JVM ({@link FailoverOwner}), killed hard or asked to close. */
	static final class ProcessOwner implements Owner {

		private final Process process;

		private final AtomicLong held = new AtomicLong();

		private final AtomicLong closedMillis = new AtomicLong(-1);

		private volatile boolean ready;

		private volatile String id = "";

		ProcessOwner(RedisServer redis, String consumerId) {
			this(redis, consumerId, RecoverableStreamClient.Builder.DEFAULT_MAX_OWNED_STREAMS, "128m");
		}

		/**
		 * @param maxOwnedStreams the owner's {@code maxOwnedStreams}
		 * @param maxHeap the owner JVM's {@code -Xmx}
		 */
		ProcessOwner(RedisServer redis, String consumerId, int maxOwnedStreams, String maxHeap) {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1",
					"-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
					System.getProperty("java.class.path"), FailoverOwner.class.getName(),
					Integer.toString(redis.port()), SERVICE, consumerId, Long.toString(TTL.toMillis()),
					Integer.toString(maxOwnedStreams));
			builder.redirectError(ProcessBuilder.Redirect.DISCARD);
			try {
				this.process = builder.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start an owner JVM", ex);
			}
			Thread reader = new Thread(() -> {
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = out.readLine()) != null) {
						if (line.startsWith("READY")) {
							this.id = line.substring("READY".length()).trim();
							this.ready = true;
						}
						else if (line.startsWith("HELD ")) {
							this.held.set(Long.parseLong(line.substring(5).trim()));
						}
						else if (line.startsWith("CLOSED ")) {
							this.closedMillis.set(Long.parseLong(line.substring(7).trim()));
						}
					}
				}
				catch (IOException ex) {
					// killed
				}
			}, "owner-output");
			reader.setDaemon(true);
			reader.start();
			Bench.await("owner JVM ready", Duration.ofSeconds(60), 10, () -> this.ready);
		}

		@Override
		public void awaitHolding(int streams) {
			Bench.await("owner holding " + streams, Duration.ofSeconds(30 + streams / 5_000), 5,
					() -> this.held.get() >= streams);
		}

		@Override
		public void stop() {
			this.process.destroyForcibly();
		}

		/** Asks the owner to close() gracefully: its standard input closes. */
		void closeGracefully() {
			try {
				this.process.getOutputStream().close();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot close the owner's standard input", ex);
			}
		}

		/** The owner's consumer id, as its client names itself in the group. */
		String id() {
			return this.id;
		}

		/** How long the owner's close() took, once it printed it; -1 before. */
		long closedMillis() {
			return this.closedMillis.get();
		}

		@Override
		public void destroy() {
			this.process.destroyForcibly();
			try {
				this.process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** An owner in this JVM, closed gracefully. */
	static final class LocalOwner implements Owner {

		private final LettuceConnectionFactory factory;

		private final RecoverableStreamClient client;

		private final AtomicLong added = new AtomicLong();

		LocalOwner(RedisServer redis, String consumerId) {
			this.factory = redis.connectionFactory();
			this.client = RecoverableStreamClient.builder(this.factory, SERVICE)
				.consumerId(consumerId)
				.leaseTtl(TTL)
				.lbsIdleTime(TTL.multipliedBy(3))
				.keyspaceNotifications(KeyspaceNotifications.OFF)
				.listener((n) -> {
					if (n.type() == StreamNotification.Type.STREAM_ADDED) {
						this.added.incrementAndGet();
					}
				})
				.build();
			this.client.start();
		}

		@Override
		public void awaitHolding(int streams) {
			Bench.await("owner holding " + streams, Duration.ofSeconds(30), 5, () -> this.added.get() >= streams);
		}

		@Override
		public void stop() {
			this.client.close();
		}

		@Override
		public void destroy() {
			this.client.close();
			this.factory.destroy();
		}

	}

}
