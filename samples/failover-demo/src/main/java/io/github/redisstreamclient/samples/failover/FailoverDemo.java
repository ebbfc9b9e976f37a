package io.github.redisstreamclient.samples.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import io.github.redisstreamclient.core.LoadBalancerStream;
import io.github.redisstreamclient.test.RedisServer;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Shows what the client is for: three consumers share the streams a producer announces; one of them is killed with
 * {@code SIGKILL} in the middle of its work, and the other two claim its streams about one lease TTL later, so that
 * every stream is processed and none by two consumers at once.
 * <p>
 * Each consumer runs in a JVM of its own that reports its events on stdout: a plain Java {@link DemoConsumer} here, a
 * Spring Boot instance in the Spring Boot demo ({@link ConsumerLauncher} says which). This class prints them as a live
 * timeline and ends with a tally it checks: exit code 0 when no stream was lost or owned twice, and the consumers
 * showed nothing wrong of themselves.
 * <p>
 * Uses the Redis named by {@code REDIS_HOST}/{@code REDIS_PORT}, else starts a {@code redis-server} of its own.
 */
public final class FailoverDemo {

	private static final int STREAMS = 24, PER_TICK = 2, TICK_MILLIS = 300;

	private static final double KILL_AFTER_SECONDS = 2.5;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String VICTIM = "consumer-2";

	private final ConsumerLauncher launcher;

	private final Map<String, Consumer> consumers = new LinkedHashMap<>();

	private final Map<String, String> urls = new TreeMap<>(); // by consumer, from its READY

	private final List<String> problems = new ArrayList<>(); // what the consumers showed of themselves that is wrong

	private final Set<String> ready = new TreeSet<>(), added = new TreeSet<>(), done = new TreeSet<>();

	private final Map<String, List<Ownership>> owners = new HashMap<>(); // the evidence for "owned twice"

	private final List<Double> failovers = new ArrayList<>();

	private volatile long start; // the timeline starts with the first add

	private double killedAt = -1;

	public FailoverDemo(ConsumerLauncher launcher) {
		this.launcher = launcher;
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // or the library's logs drown the timeline
		System.exit(new FailoverDemo(DemoConsumer.launcher()).run());
	}

	/** Runs the demo; returns 0 when the tally is clean, else 1. */
	public int run() throws Exception {
		String host = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
		String port = System.getenv("REDIS_PORT");
		RedisServer embedded = null;
		if (System.getenv("REDIS_HOST") == null && port == null) {
			embedded = RedisServer.start();
			port = String.valueOf(embedded.port());
			print("Started redis-server %s on %s:%s (set REDIS_HOST/REDIS_PORT to use your own)", RedisServer.version(),
					host, port);
		}
		port = (port != null) ? port : "6379";
		LettuceConnectionFactory redis = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(host, Integer.parseInt(port)));
		redis.afterPropertiesSet();
		redis.start();
		String service = "demo-" + UUID.randomUUID().toString().substring(0, 8); // reruns on one Redis do not mix
		print("Service %s on %s:%s: %s, %d streams, lease TTL 1 s; %s gets killed mid-work.", service, host, port,
				this.launcher.describe(3), STREAMS, VICTIM);
		try {
			for (int i = 1; i <= 3; i++) {
				startConsumer("consumer-" + i, host, port, service);
			}
			try (RedisConnection connection = redis.getConnection()) {
				connection.ping(); // connect now, while the consumers start, rather than on the first add
			}
			// The consumer group sees only streams added after a consumer created it.
			await(() -> this.ready.size() == 3 || this.consumers.values().stream().anyMatch((c) -> !c.process().isAlive()),
					Duration.ofSeconds(60));
			if (this.ready.size() != 3) {
				throw new IllegalStateException("Not every consumer started; see the errors above");
			}
			print("%nTimeline, in seconds since the first add:");
			LoadBalancerStream lbs = LoadBalancerStream.of(redis, service);
			this.start = System.nanoTime();
			Thread producer = new Thread(() -> produce(lbs), "producer");
			producer.start();
			killWhenBusy(this.consumers.get(VICTIM));
			if (!await(() -> this.added.size() == STREAMS && this.done.containsAll(this.added), TIMEOUT)) {
				event(now(), "demo", "TIMEOUT", "after " + TIMEOUT.toSeconds() + " s not every stream is done");
			}
			producer.join();
			show("at the end", VICTIM);
			closeSurvivors();
		}
		finally {
			this.consumers.values().forEach((c) -> c.process().destroyForcibly()); // no orphans if anything failed
			redis.destroy();
			if (embedded != null) {
				embedded.close();
			}
		}
		return printTally();
	}

	private void startConsumer(String name, String host, String port, String service) throws IOException {
		Process process = new ProcessBuilder(this.launcher.command(name, host, port, service))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		Thread reader = new Thread(
				() -> process.inputReader(StandardCharsets.UTF_8).lines().forEach((line) -> onReport(name, line)));
		this.consumers.put(name, new Consumer(name, process, reader));
		reader.start();
	}

	private synchronized void onReport(String consumer, String line) {
		double t = now();
		String[] f = line.split(" ");
		switch (f[0]) {
			case "READY" -> {
				this.ready.add(consumer);
				if (f.length > 2) {
					this.urls.put(consumer, f[2]);
				}
				print("%s is ready: consumer id %s%s", consumer, f[1], (f.length > 2) ? " at " + f[2] : "");
			}
			case "ADDED" -> onAdded(t, consumer, f[1], f[2], Boolean.parseBoolean(f[3]), f[4]);
			case "DONE" -> {
				endOwnership(consumer, f[1], t);
				this.done.add(f[1]);
				event(t, consumer, "done", f[1]);
			}
			case "DISOWNED" -> {
				endOwnership(consumer, f[1], t);
				event(t, consumer, "LOST", f[1] + ": its session lapsed and another consumer took it");
			}
			case "HANDOFF" -> {
				endOwnership(consumer, f[1], t);
				event(t, consumer, "hands", f[1] + " to the others on close");
			}
			case "CLOSED" -> event(t, consumer, "closed", "gracefully");
			default -> event(t, consumer, "says", line);
		}
		notifyAll();
	}

	private void onAdded(double t, String consumer, String stream, String token, boolean claimed, String user) {
		List<Ownership> history = this.owners.computeIfAbsent(stream, (s) -> new ArrayList<>());
		if (!claimed) {
			event(t, consumer, "took", stream + " for " + user + " (token " + token + ")");
		}
		else {
			String from = history.isEmpty() ? "nobody" : history.get(history.size() - 1).consumer();
			String failover = "";
			if (from.equals(VICTIM) && this.killedAt >= 0) {
				this.failovers.add(t - this.killedAt);
				failover = String.format(Locale.ROOT, " - failover %.2f s after the kill", t - this.killedAt);
			}
			event(t, consumer, "CLAIMED", stream + " from " + from + " (token " + token + ")" + failover);
		}
		history.add(new Ownership(consumer, t, Double.POSITIVE_INFINITY));
	}

	private void produce(LoadBalancerStream lbs) {
		try {
			for (int first = 1; first <= STREAMS; first += PER_TICK) {
				List<String> batch = IntStream.range(first, Math.min(first + PER_TICK, STREAMS + 1))
					.mapToObj((i) -> String.format("session-%02d", i))
					.toList();
				synchronized (this) { // before XADD, so that no consumer reports a stream the demo has not seen
					this.added.addAll(batch);
					event(now(), "producer", "added", String.join(", ", batch));
				}
				batch.forEach((stream) -> lbs.add(stream, Map.of("user", "user-" + stream.substring(8))));
				Thread.sleep(TICK_MILLIS);
			}
		}
		catch (InterruptedException | RuntimeException ex) {
			event(now(), "producer", "FAILED", ex.toString());
		}
	}

	private void killWhenBusy(Consumer victim) throws InterruptedException {
		// Mid-work, so that its death strands streams the others must claim.
		await(() -> now() >= KILL_AFTER_SECONDS && !heldBy(victim.name()).isEmpty(), Duration.ofSeconds(20));
		show("before the kill", null);
		double t = now();
		victim.process().destroyForcibly(); // SIGKILL: no shutdown hook, no handoff; its session just stops being renewed
		victim.process().waitFor();
		victim.reader().join(); // what it reported just before dying still counts
		synchronized (this) {
			this.killedAt = t;
			List<String> held = heldBy(victim.name());
			held.forEach((stream) -> endOwnership(victim.name(), stream, t));
			event(t, victim.name(), "KILLED",
					"with SIGKILL while holding " + (held.isEmpty() ? "nothing" : String.join(", ", held)));
		}
	}

	// Outside the lock, so that the consumers' reports keep their times while this waits for their answers.
	private void show(String moment, String killed) {
		Map<String, String> urls;
		synchronized (this) {
			urls = new TreeMap<>(this.urls);
		}
		ConsumerLauncher.View view = this.launcher.view(moment, urls, killed);
		synchronized (this) {
			view.lines().forEach((line) -> print("%s", line));
			this.problems.addAll(view.problems());
		}
	}

	private void closeSurvivors() throws InterruptedException {
		List<Consumer> survivors = this.consumers.values().stream().filter((c) -> c.process().isAlive()).toList();
		// SIGTERM: a graceful shutdown. Through the handle: Process.destroy() would also close the pipe of its reports.
		survivors.forEach((c) -> c.process().toHandle().destroy());
		for (Consumer c : survivors) {
			c.process().waitFor(15, TimeUnit.SECONDS); // else killed in run()
			c.reader().join(1000);
		}
	}

	private synchronized int printTally() {
		List<String> lost = this.added.stream().filter((s) -> !this.done.contains(s)).toList();
		List<String> twice = this.added.stream().filter((s) -> ownedTwice(this.owners.getOrDefault(s, List.of()))).toList();
		DoubleSummaryStatistics latency = this.failovers.stream().mapToDouble(Double::doubleValue).summaryStatistics();
		String latencies = this.failovers.isEmpty() ? "" : String.format(Locale.ROOT,
				" (latency min/avg/max %.2f/%.2f/%.2f s)", latency.getMin(), latency.getAverage(), latency.getMax());
		print("%nstreams added %d, done %d, lost %d, owned twice %d, failovers %d%s", this.added.size(),
				this.done.size(), lost.size(), twice.size(), this.failovers.size(), latencies);
		if (!lost.isEmpty()) {
			print("  lost: %s", String.join(", ", lost));
		}
		if (!twice.isEmpty()) {
			print("  owned twice: %s", String.join(", ", twice));
		}
		this.problems.forEach((problem) -> print("  %s", problem));
		boolean ok = lost.isEmpty() && twice.isEmpty() && this.problems.isEmpty();
		print(ok ? "OK: every stream was processed, never by two consumers at once." : "FAILED");
		return ok ? 0 : 1;
	}

	// Whether the ownerships of two different consumers overlap in time.
	private static boolean ownedTwice(List<Ownership> history) {
		return history.stream().anyMatch((a) -> history.stream()
			.anyMatch((b) -> !a.consumer().equals(b.consumer()) && a.from() < b.until() && b.from() < a.until()));
	}

	private synchronized List<String> heldBy(String consumer) {
		return this.owners.entrySet().stream()
			.filter((e) -> e.getValue().stream().anyMatch((o) -> o.consumer().equals(consumer) && o.isOpen()))
			.map(Map.Entry::getKey)
			.sorted()
			.toList();
	}

	private void endOwnership(String consumer, String stream, double t) {
		this.owners.getOrDefault(stream, new ArrayList<>())
			.replaceAll((o) -> (o.consumer().equals(consumer) && o.isOpen()) ? new Ownership(consumer, o.from(), t) : o);
	}

	private synchronized boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (left <= 0) {
				return false;
			}
			wait(Math.min(left, 100)); // reports call notifyAll; the timeout is for conditions on the clock
		}
		return true;
	}

	private double now() {
		return (System.nanoTime() - this.start) / 1e9;
	}

	private synchronized void event(double t, String who, String what, String detail) {
		print("%8s  %-10s  %-7s %s", String.format(Locale.ROOT, "+%.2fs", t), who, what, detail);
	}

	private static void print(String format, Object... args) {
		System.out.println(String.format(Locale.ROOT, format, args));
		System.out.flush(); // live progress, also through a pipe
	}

	private record Consumer(String name, Process process, Thread reader) {
	}

	/** One consumer's hold on a stream: from its ADDED to its DONE, its death, or its handoff. */
	private record Ownership(String consumer, double from, double until) {

		boolean isOpen() {
			return this.until == Double.POSITIVE_INFINITY;
		}

	}

}
