package io.github.redisstreamclient.chaos;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.github.redisstreamclient.chaos.HistoryEvent.Kind;
import io.github.redisstreamclient.chaos.HistoryChecker.EndState;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.PendingMessagesSummary;
import org.springframework.data.redis.connection.stream.StreamInfo;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One chaos run: a Redis (single server or cluster), consumer JVMs, a producer and the fault injector for a period;
 * then the survivors drain, close, and the checker reads the history. Prints the seed first, so that a run can be
 * repeated with the same faults in the same order (their timing against the consumers' work still differs).
 * <p>
 * {@code java ... ChaosRun [seed=<n>] [duration=90s] [consumers=4] [streams=200] [entries=10-30] [cluster=false]
 * [ttl=1s] [sweep=2s] [drain=3m] [grace=10s] [out=target/chaos]}. Exit code 0 when every check passed.
 */
public final class ChaosRun {

	private final Options options;

	private ChaosRun(Options options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 1 && args[0].startsWith("recheck=")) {
			System.exit(recheck(Path.of(args[0].substring("recheck=".length()))).passed() ? 0 : 1);
		}
		ChaosReport report = new ChaosRun(Options.parse(args)).run();
		System.exit(report.passed() ? 0 : 1);
	}

	/**
	 * Checks a finished run's history again, with the checker as it is now: {@code recheck=<run directory>}, for
	 * example after a change to the checker.
	 */
	static ChaosReport recheck(Path dir) throws Exception {
		ChaosReport report = HistoryChecker.check(History.read(dir.resolve("history.tsv")),
				readEndState(dir.resolve("end-state.txt")), Options.parse().grace());
		print("%s", report.render());
		return report;
	}

	static ChaosReport run(Options options) throws Exception {
		return new ChaosRun(options).run();
	}

	private ChaosReport run() throws Exception {
		Options o = this.options;
		String service = "chaos-" + Long.toHexString(o.seed());
		Path dir = o.out().resolve((o.cluster() ? "cluster-" : "standalone-") + o.seed());
		Files.createDirectories(dir);
		print("seed=%d (repeat with seed=%d) %s faults for %d s, %d consumers, %d streams of %d-%d entries, lease TTL %d ms",
				o.seed(), o.seed(), o.cluster() ? "cluster" : "standalone", o.duration().toSeconds(), o.consumers(),
				o.streams(), o.entries()[0], o.entries()[1], o.leaseTtl().toMillis());
		Random random = new Random(o.seed());
		long started = System.nanoTime();
		try (History history = new History(dir.resolve("history.tsv"));
				RedisTarget target = o.cluster() ? new ClusterTarget(service + "-input", dir) : new StandaloneTarget(dir);
				ConsumerFleet fleet = new ConsumerFleet(target, service, history, o.leaseTtl(), o.sweepInterval(), dir)) {
			print("Redis: %s; history: %s", target, dir.resolve("history.tsv"));
			List<ConsumerFleet.Member> first = new ArrayList<>();
			for (int i = 0; i < o.consumers(); i++) {
				first.add(fleet.spawnNew());
			}
			first.forEach(fleet::awaitReady); // the group exists before the producer adds anything
			Producer producer = new Producer(target::template, service + "-input", service, history, o.streams(),
					o.entries(), o.duration(), random);
			Thread producing = new Thread(producer, "chaos-producer");
			producing.start();
			new FaultInjector(target, fleet, history, random, o.leaseTtl()).run(o.duration());
			history.record(HistoryEvent.of("harness", Kind.DRAIN_STARTED, "-", 0, "-", "-"));
			producing.join(o.drainTimeout().toMillis());
			boolean drained = awaitDrained(target.template(), service, producer, o.drainTimeout());
			print("faults over after %d s; %s", secondsSince(started),
					drained ? "drained" : "NOT drained within " + o.drainTimeout().toSeconds() + " s");
			producer.stop();
			fleet.closeAll();
			EndState end = endState(target.template(), service);
			writeEndState(end, dir.resolve("end-state.txt"));
			ChaosReport report = HistoryChecker.check(history.events(), end, o.grace());
			String text = report.render();
			print("%s", text);
			Files.writeString(dir.resolve("report.txt"), "seed=" + o.seed() + " " + o + "\n" + text,
					StandardCharsets.UTF_8);
			print("%s after %d s; report: %s", report.passed() ? "PASSED" : "FAILED", secondsSince(started),
					dir.resolve("report.txt"));
			return report;
		}
	}

	private static boolean awaitDrained(StringRedisTemplate redis, String service, Producer producer, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				Long length = redis.opsForStream().size(service + "-input");
				if (producer.isFinished() && length != null && length == 0) {
					return true;
				}
			}
			catch (RuntimeException ex) {
				// Redis may still be coming back.
			}
			Thread.sleep(500);
		}
		return false;
	}

	private static EndState endState(StringRedisTemplate redis, String service) {
		String lbs = service + "-input";
		String group = service + "-group";
		Long length = redis.opsForStream().size(lbs);
		PendingMessagesSummary pending = redis.opsForStream().pending(lbs, group);
		Set<String> left = new HashSet<>();
		var entries = redis.opsForStream().range(lbs, Range.unbounded());
		if (entries != null) {
			entries.forEach((e) -> left.add(e.getId().getValue()));
		}
		List<String> names = new ArrayList<>();
		StreamInfo.XInfoConsumers consumers = redis.opsForStream().consumers(lbs, group);
		consumers.forEach((c) -> names.add(c.consumerName()));
		return new EndState((length != null) ? length : -1, (pending != null) ? pending.getTotalPendingMessages() : -1,
				left, names);
	}

	private static void writeEndState(EndState end, Path file) throws java.io.IOException {
		Files.writeString(file, "lbsLength=" + end.lbsLength() + "\npending=" + end.pending() + "\nlbsEntriesLeft="
				+ String.join(",", end.lbsEntriesLeft()) + "\ngroupConsumers=" + String.join(",", end.groupConsumers())
				+ "\n", StandardCharsets.UTF_8);
	}

	private static EndState readEndState(Path file) throws java.io.IOException {
		java.util.Properties p = new java.util.Properties();
		try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(in);
		}
		return new EndState(Long.parseLong(p.getProperty("lbsLength")), Long.parseLong(p.getProperty("pending")),
				split(p.getProperty("lbsEntriesLeft")), List.copyOf(split(p.getProperty("groupConsumers"))));
	}

	private static Set<String> split(String list) {
		Set<String> items = new java.util.LinkedHashSet<>();
		for (String item : list.split(",")) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		return items;
	}

	private static long secondsSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000_000;
	}

	private static void print(String format, Object... args) {
		System.out.println(String.format(Locale.ROOT, "[chaos %s] ", Instant.now()) + String.format(Locale.ROOT, format, args));
		System.out.flush();
	}

	/** What a run does; every option has a default and is given as {@code key=value} on the command line. */
	record Options(long seed, Duration duration, int consumers, int streams, int[] entries, boolean cluster,
			Duration leaseTtl, Duration sweepInterval, Duration drainTimeout, Duration grace, Path out) {

		private static final Map<String, String> DEFAULTS = Map.of("duration", "90s", "consumers", "4", "streams",
				"200", "entries", "10-30", "cluster", "false", "ttl", "1s", "sweep", "2s", "drain", "3m", "grace",
				"10s", "out", "target/chaos");

		/**
		 * Reads {@code key=value} pairs, separated by spaces within an argument too (so a single
		 * {@code -Dchaos.args="..."} can carry several); later pairs win.
		 */
		static Options parse(String... args) {
			Map<String, String> values = new java.util.HashMap<>(DEFAULTS);
			for (String arg : args) {
				for (String pair : arg.trim().split("\\s+")) {
					if (pair.isEmpty()) {
						continue;
					}
					String[] kv = pair.split("=", 2);
					if (kv.length != 2 || !(DEFAULTS.containsKey(kv[0]) || kv[0].equals("seed"))) {
						throw new IllegalArgumentException("Expected key=value with a key of " + DEFAULTS.keySet()
								+ " or seed, got '" + pair + "'");
					}
					values.put(kv[0], kv[1]);
				}
			}
			String[] entries = values.get("entries").split("-");
			return new Options(
					values.containsKey("seed") ? Long.parseLong(values.get("seed"))
							: ThreadLocalRandom.current().nextLong(0, Long.MAX_VALUE),
					duration(values.get("duration")), Integer.parseInt(values.get("consumers")),
					Integer.parseInt(values.get("streams")),
					new int[] { Integer.parseInt(entries[0]), Integer.parseInt(entries[entries.length - 1]) },
					Boolean.parseBoolean(values.get("cluster")), duration(values.get("ttl")),
					duration(values.get("sweep")), duration(values.get("drain")), duration(values.get("grace")),
					Path.of(values.get("out")));
		}

		private static Duration duration(String value) {
			String v = value.trim().toLowerCase(Locale.ROOT);
			if (v.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
			}
			if (v.endsWith("m")) {
				return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
			}
			return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"duration=%ds consumers=%d streams=%d entries=%d-%d cluster=%s ttl=%dms sweep=%dms", duration.toSeconds(),
					consumers, streams, entries[0], entries[1], cluster, leaseTtl.toMillis(), sweepInterval.toMillis());
		}

	}

}
