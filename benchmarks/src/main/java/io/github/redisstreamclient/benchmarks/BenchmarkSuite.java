package io.github.redisstreamclient.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.redisstreamclient.test.RedisServer;

/**
 * Runs the benchmarks against one private {@code redis-server} and writes {@code PERFORMANCE.md} with PNG charts.
 * <p>
 * System properties: {@code bench.quick} (a short smoke run, written to {@code bench.quickOutput} instead of the
 * docs), {@code bench.only} (comma-separated subset of renewal, assignment, failover, events, consumers,
 * hold),
 * {@code bench.docs}, {@code bench.quickOutput}, {@code bench.sections} (where each section's last result is kept, so
 * a subset run still writes a whole document).
 */
public final class BenchmarkSuite {

	/** Run order: the 10-minute hold last. */
	static final List<String> ORDER = List.of("renewal", "assignment", "failover", "events", "consumers", "hold");

	/** Document order. */
	static final List<String> DOC_ORDER = List.of("renewal", "hold", "assignment", "failover", "events", "consumers");

	static final Map<String, String> TITLES = Map.of("renewal",
			"1. Lease renewal: 1k / 10k / 100k held leases, side by side", "hold",
			"1b. 100k leases held for 10 minutes", "assignment", "2. Assignment throughput", "failover",
			"3. Failover latency", "events", "4. Event streams", "consumers", "5. Many consumers on one LBS");

	private BenchmarkSuite() {
	}

	public static void main(String[] args) throws Exception {
		boolean quick = Boolean.getBoolean("bench.quick");
		String only = System.getProperty("bench.only", "").trim();
		// "render" runs nothing and only writes the document again from the kept sections.
		List<String> selected = only.isEmpty() ? ORDER : only.equals("render") ? List.of()
				: Arrays.stream(only.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).toList();
		for (String s : selected) {
			if (!ORDER.contains(s)) {
				throw new IllegalArgumentException("Unknown benchmark '" + s + "'; choose from " + ORDER);
			}
		}
		Path docs = Path.of(System.getProperty("bench.docs", "docs")).toAbsolutePath().normalize();
		Path output = quick ? Path.of(System.getProperty("bench.quickOutput", "target/performance-quick"))
			.toAbsolutePath()
			.normalize() : docs;
		Path sections = Path.of(System.getProperty("bench.sections", "target/bench-sections"))
			.toAbsolutePath()
			.normalize()
			.resolve(quick ? "quick" : "full");
		Files.createDirectories(output);
		Files.createDirectories(sections);
		String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
		Bench.log("Benchmarks %s (%s run), writing %s", selected, quick ? "quick" : "full", output.resolve("PERFORMANCE.md"));
		Map<String, Function<Section.Context, Section>> benchmarks = new LinkedHashMap<>();
		benchmarks.put("renewal", RenewalBenchmark::compare);
		benchmarks.put("assignment", AssignmentBenchmark::run);
		benchmarks.put("failover", FailoverBenchmark::run);
		benchmarks.put("events", EventsBenchmark::run);
		benchmarks.put("consumers", ConsumersBenchmark::run);
		benchmarks.put("hold", RenewalBenchmark::hold);
		String redisVersion;
		long suiteStart = System.nanoTime();
		try (RedisServer redis = RedisServer.start()) {
			redisVersion = RedisStats.fields((String) redis.command("INFO", "server")).get("redis_version");
			Section.Context ctx = new Section.Context(redis, output, quick);
			for (String key : ORDER) {
				if (!selected.contains(key)) {
					continue;
				}
				Bench.log("=== %s ===", key);
				long start = System.nanoTime();
				String loadBefore = loadAverage();
				String markdown;
				try {
					markdown = benchmarks.get(key).apply(ctx).markdown();
				}
				catch (RuntimeException ex) {
					ex.printStackTrace();
					markdown = "**Not measured: the benchmark failed** in this run: `" + ex + "`\n";
				}
				double minutes = (System.nanoTime() - start) / 60e9;
				String stamped = "<!-- run: " + started + " -->\n_Run " + started + ", took "
						+ Bench.fmt(minutes, 1) + " min; load average (1 min) of the machine at the start / end: "
						+ loadBefore + " / " + loadAverage() + " (this harness and its Redis included)._\n\n"
						+ markdown;
				Files.writeString(sections.resolve(key + ".md"), stamped, StandardCharsets.UTF_8);
				Bench.reset(redis);
			}
		}
		double total = (System.nanoTime() - suiteStart) / 60e9;
		writeDocument(output.resolve("PERFORMANCE.md"), sections, started, redisVersion, quick, total, selected);
		Bench.log("Done in %.1f min: %s", total, output.resolve("PERFORMANCE.md"));
		System.exit(0);
	}

	private static void writeDocument(Path file, Path sections, String started, String redisVersion, boolean quick,
			double minutes, List<String> selected) throws IOException {
		StringBuilder md = new StringBuilder();
		md.append("# Performance\n\n");
		md.append("<!-- Generated by benchmarks/ (io.github.redisstreamclient.benchmarks.BenchmarkSuite); ")
			.append("do not edit by hand: run the command below. -->\n\n");
		if (quick) {
			md.append("> **Quick smoke run** (`-Dbench.quick=true`): short windows and small sizes, not the ")
				.append("published numbers.\n\n");
		}
		md.append("```bash\n./mvnw -q -pl benchmarks -am -DskipTests package exec:exec\n```\n\n");
		md.append("Runs every benchmark below, one after another, against **one** private `redis-server` that the ")
			.append("suite starts on a free port (never a Redis on 6379), and rewrites this page and its charts. ")
			.append("`-Dbench.only=renewal,failover` runs a subset (the other sections keep their last result and ")
			.append("say when it was taken); `-Dbench.quick=true` is a smoke run of a few minutes written to ")
			.append("`benchmarks/target/performance-quick/`.\n\n");
		Section.Table env = new Section.Table("", "");
		env.row("date", selected.isEmpty() ? started + " (document rendered from kept results; each section states its run)"
				: started + " (this invocation: " + Bench.fmt(minutes, 1) + " min; sections run: "
						+ String.join(", ", selected) + ")");
		env.row("machine", Runtime.getRuntime().availableProcessors() + " cores (`nproc`), " + memory() + ", "
				+ cpuModel());
		env.row("OS", osName() + ", kernel " + System.getProperty("os.version"));
		env.row("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		env.row("JVM flags (harness and the clients in it)",
				"`" + String.join(" ", ManagementFactory.getRuntimeMXBean()
					.getInputArguments()
					.stream()
					.filter((a) -> a.startsWith("-X") || a.startsWith("-XX"))
					.toList()) + "`, G1, default JIT");
		env.row("Redis", redisVersion + " (`redis-server` on the PATH, default config, no persistence)");
		env.row("library", "redis-stream-client " + System.getProperty("bench.version", "?") + " (this repository)");
		env.row("clients", "Lettuce " + version(io.lettuce.core.RedisClient.class) + ", Spring Data Redis "
				+ version(org.springframework.data.redis.core.RedisTemplate.class) + ", Spring Integration "
				+ System.getProperty("bench.springIntegration", "?") + ", Redisson "
				+ System.getProperty("bench.redisson", "?") + ", XChart " + System.getProperty("bench.xchart", "?"));
		md.append(env).append('\n');
		md.append(targetsAtAGlance(sections));
		md.append(resource("summary-intro.md"));
		for (String key : DOC_ORDER) {
			md.append("\n## ").append(TITLES.get(key)).append("\n\n");
			Path section = sections.resolve(key + ".md");
			if (!Files.exists(section)) {
				md.append("**Not measured yet.**\n");
				continue;
			}
			String text = Files.readString(section, StandardCharsets.UTF_8);
			if (!selected.contains(key)) {
				md.append("_(Not re-run in the latest invocation: this is the result kept from the run stated below.)_\n\n");
			}
			md.append(text);
			md.append(resource("notes-" + key + ".md"));
		}
		md.append("\n").append(resource("notes-findings.md"));
		Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
	}

	/** The target rows of every kept section, gathered into one table. */
	private static String targetsAtAGlance(Path sections) throws IOException {
		Section.Table table = new Section.Table("section", "target", "measured", "verdict");
		int rows = 0;
		for (String key : DOC_ORDER) {
			Path section = sections.resolve(key + ".md");
			if (!Files.exists(section)) {
				table.row(TITLES.get(key), "all", "—", "**not measured yet**");
				rows++;
				continue;
			}
			for (String line : Files.readAllLines(section, StandardCharsets.UTF_8)) {
				if (!line.startsWith("| ")) {
					continue;
				}
				String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
				String verdict = cells[cells.length - 1].trim();
				if (!verdict.equals("**met**") && !verdict.equals("**missed**") && !verdict.startsWith("not measured")) {
					continue;
				}
				String title = TITLES.get(key).replaceFirst(":.*", "");
				if (cells.length == 3) {
					table.row(title, cells[0], cells[1], verdict);
				}
				else {
					// failover: mode | failovers | p50 | p95 | p99 | max | not taken over | target | verdict
					table.row(title, cells[0] + ": " + cells[7], "p99 " + cells[4] + " ms, n = " + cells[1]
							+ ", not taken over " + cells[6], verdict);
				}
				rows++;
			}
		}
		return (rows == 0) ? "" : "### Targets at a glance\n\n" + table + "\n";
	}

	private static String resource(String name) {
		try (InputStream in = BenchmarkSuite.class.getResourceAsStream("/performance/" + name)) {
			return (in != null) ? "\n" + new String(in.readAllBytes(), StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String version(Class<?> type) {
		String v = type.getPackage().getImplementationVersion();
		return (v != null) ? v : "?";
	}

	private static String memory() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					long kb = Long.parseLong(line.replaceAll("\\D+", ""));
					return Bench.fmt(kb / 1024.0 / 1024.0, 1) + " GiB RAM";
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return "? RAM";
	}

	/** The 1-minute load average, to show whether something else ran on the machine meanwhile. */
	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		}
		catch (IOException | RuntimeException ex) {
			return "?";
		}
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}

	private static String osName() {
		try {
			for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
				if (line.startsWith("PRETTY_NAME=")) {
					return line.substring("PRETTY_NAME=".length()).replace("\"", "");
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return System.getProperty("os.name");
	}

}
