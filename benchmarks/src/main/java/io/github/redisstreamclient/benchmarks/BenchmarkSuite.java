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
 * docs), {@code bench.only} (comma-separated subset of renewal, assignment, failover, events, consumers, ownership,
 * hold), {@code bench.docs}, {@code bench.quickOutput}, {@code bench.sections} (where each section's last result is
 * kept, so a subset run still writes a whole document; a section missing there is taken from the page written
 * before), and the sizes of the ownership section ({@link OwnershipBenchmark.Settings}).
 */
public final class BenchmarkSuite {

	/** Run order: the long holds last. */
	static final List<String> ORDER = List.of("renewal", "assignment", "failover", "events", "consumers", "ownership",
			"hold");

	/** Document order. */
	static final List<String> DOC_ORDER = List.of("renewal", "hold", "assignment", "failover", "events", "consumers",
			"ownership");

	/** Order of the targets at a glance: the ownership v2 targets first. */
	static final List<String> GLANCE_ORDER = List.of("ownership", "renewal", "hold", "assignment", "failover", "events",
			"consumers");

	static final Map<String, String> TITLES = Map.of("renewal",
			"1. Holding streams: 1k / 10k / 100k, side by side with per-lock renewal", "hold",
			"1b. 100k streams held for 10 minutes by one consumer", "assignment", "2. Assignment throughput",
			"failover", "3. Failover latency", "events", "4. Event streams", "consumers",
			"5. Many consumers on one LBS", "ownership", "6. Ownership v2 targets, side by side with the first version");

	/** Heading numbers of the published page, to find a section of a page written before the section markers. */
	static final Map<String, String> NUMBERS = Map.of("1.", "renewal", "1b.", "hold", "2.", "assignment", "3.",
			"failover", "4.", "events", "5.", "consumers", "6.", "ownership");

	/**
	 * Stamped into every section run since the core's ownership v2; a kept section without it is a result of the
	 * first version (a lease per stream) and says so.
	 */
	static final String LAYOUT_V2 = "<!-- layout: ownership v2 (one session per consumer) -->";

	static final String FIRST_VERSION_NOTE = "_(Result of the **first version** of the core (a lease key per stream, "
			+ "renewed in batches), from before ownership v2, not re-run since: it describes that version. Section 6 "
			+ "has ownership v2 side by side with it.)_\n\n";

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
		benchmarks.put("ownership", OwnershipBenchmark::run);
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
				// The notes go with the run they describe, so a kept result keeps its own.
				String stamped = "<!-- run: " + started + " -->\n" + LAYOUT_V2 + "\n_Run " + started + ", took "
						+ Bench.fmt(minutes, 1) + " min; load average (1 min) of the machine at the start / end: "
						+ loadBefore + " / " + loadAverage() + " (this harness and its Redis included)._\n\n"
						+ markdown + resource("notes-" + key + ".md");
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
		recoverMissingSections(file, sections);
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
			.append("`-Dbench.only=ownership,assignment` runs a subset (the other sections keep their last result and ")
			.append("say when it was taken; a section the harness kept no result of is taken from this page); ")
			.append("`-Dbench.quick=true` is a smoke run written to `benchmarks/target/performance-quick/`. Section 6's ")
			.append("sizes: `-Dbench.ownership.streams=1000000 -Dbench.ownership.window=600` (held by 8 consumers; ")
			.append("the defaults of the full run), `-Dbench.ownership.growth=1000,10000,100000,1000000`, ")
			.append("`-Dbench.ownership.takeover=100000`, `-Dbench.ownership.rounds=3`.\n\n");
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
			md.append("\n## ").append(TITLES.get(key)).append("\n\n<!-- section: ").append(key).append(" -->\n");
			Path section = sections.resolve(key + ".md");
			if (!Files.exists(section)) {
				md.append("**Not measured yet.**\n");
				continue;
			}
			String text = Files.readString(section, StandardCharsets.UTF_8);
			if (!text.contains(LAYOUT_V2)) {
				md.append(FIRST_VERSION_NOTE);
			}
			else if (!selected.contains(key)) {
				md.append("_(Not re-run in the latest invocation: this is the result kept from the run stated below.)_\n\n");
			}
			if (key.equals("ownership")) {
				text = text.replace(OwnershipBenchmark.ASSIGNMENT_PLACEHOLDER, assignmentRatio(sections));
			}
			md.append(text);
		}
		md.append("\n").append(resource("notes-findings.md"));
		Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
	}

	/** The target rows of every kept section, gathered into one table. */
	private static String targetsAtAGlance(Path sections) throws IOException {
		Section.Table table = new Section.Table("section", "target", "first version (recorded)", "measured", "verdict");
		int rows = 0;
		for (String key : GLANCE_ORDER) {
			Path section = sections.resolve(key + ".md");
			String title = TITLES.get(key).replaceFirst(",.*|:.*", "");
			if (!Files.exists(section)) {
				table.row(title, "all", "", "—", "**not measured yet**");
				rows++;
				continue;
			}
			String text = Files.readString(section, StandardCharsets.UTF_8);
			if (!text.contains(LAYOUT_V2)) {
				title += " (first version's result, not re-run)";
			}
			if (key.equals("ownership")) {
				text = text.replace(OwnershipBenchmark.ASSIGNMENT_PLACEHOLDER, assignmentRatio(sections));
			}
			for (String line : text.split("\n")) {
				if (!line.startsWith("| ")) {
					continue;
				}
				String[] cells = cells(line);
				String verdict = cells[cells.length - 1].trim();
				if (!verdict.equals("**met**") && !verdict.equals("**missed**") && !verdict.startsWith("not measured")) {
					continue;
				}
				if (key.equals("failover")) {
					// mode | failovers | p50 | p95 | p99 | max | not taken over | target | verdict
					table.row(title, cells[0] + ": " + cells[7], "", "p99 " + cells[4] + " ms, n = " + cells[1]
							+ ", not taken over " + cells[6], verdict);
				}
				else if (cells.length == 4) {
					// target | first version | measured | verdict
					table.row(title, cells[0], cells[1], cells[2], verdict);
				}
				else {
					table.row(title, cells[0], "", cells[1], verdict);
				}
				rows++;
			}
		}
		return (rows == 0) ? "" : "### Targets at a glance\n\n" + table + "\n";
	}

	private static String[] cells(String line) {
		return line.substring(2, line.length() - 2).split(" \\| ", -1);
	}

	/**
	 * Section 2's one-consumer ratio against the pipelined raw loop, for section 6's table: measured there, quoted
	 * here with the run it comes from, so that the two never disagree.
	 */
	private static String assignmentRatio(Path sections) throws IOException {
		Path section = sections.resolve("assignment.md");
		if (!Files.exists(section)) {
			return "not measured yet (section 2)";
		}
		String text = Files.readString(section, StandardCharsets.UTF_8);
		String run = "";
		for (String line : text.split("\n")) {
			if (line.startsWith("<!-- run: ")) {
				run = line.substring("<!-- run: ".length(), line.length() - " -->".length());
			}
			if (line.startsWith("| ") && line.contains(AssignmentBenchmark.V2_TARGET)) {
				String[] cells = cells(line);
				return cells[1] + " (section 2, run " + run + ")";
			}
		}
		return "not measured by the section 2 kept here (run " + run + ", before this target)";
	}

	/**
	 * Sections that the harness kept no result of (a fresh checkout) are taken from the page written before, with
	 * their notes and their run stamps, so that a subset run rewrites the page without dropping the others.
	 */
	static void recoverMissingSections(Path page, Path sections) throws IOException {
		if (!Files.exists(page)) {
			return;
		}
		List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
		for (int i = 0; i < lines.size(); i++) {
			if (!lines.get(i).startsWith("## ")) {
				continue;
			}
			int end = i + 1;
			while (end < lines.size() && !lines.get(end).startsWith("## ")) {
				end++;
			}
			String key = null;
			List<String> body = new ArrayList<>();
			for (String line : lines.subList(i + 1, end)) {
				if (line.startsWith("<!-- section: ")) {
					key = line.substring("<!-- section: ".length(), line.indexOf(" -->"));
				}
				else if (!line.startsWith("_(Not re-run") && !line.startsWith("_(Result of the **first version**")) {
					body.add(line);
				}
			}
			if (key == null) {
				String number = lines.get(i).substring(3).split(" ", 2)[0];
				key = NUMBERS.get(number);
			}
			while (!body.isEmpty() && body.get(0).isBlank()) {
				body.remove(0);
			}
			Path kept = (key != null) ? sections.resolve(key + ".md") : null;
			if (kept != null && !Files.exists(kept) && !body.isEmpty() && !body.get(0).startsWith("**Not measured")) {
				Files.writeString(kept, String.join("\n", body).stripTrailing() + "\n", StandardCharsets.UTF_8);
				Bench.log("Kept no result of '%s': taken from %s", key, page);
			}
			i = end - 1;
		}
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
