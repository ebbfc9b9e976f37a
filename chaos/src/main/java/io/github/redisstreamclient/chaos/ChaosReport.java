package io.github.redisstreamclient.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the {@link HistoryChecker} found: violations per check, and the figures of the run. */
final class ChaosReport {

	private static final int SHOWN_PER_CHECK = 10;

	private final Map<Check, List<String>> violations = new EnumMap<>(Check.class);

	private final Map<String, String> figures = new LinkedHashMap<>();

	private final Map<String, Integer> faults = new LinkedHashMap<>();

	void violation(Check check, String what) {
		this.violations.computeIfAbsent(check, (c) -> new ArrayList<>()).add(what);
	}

	void figure(String name, long value) {
		this.figures.put(name, Long.toString(value));
	}

	/** Records count, p50, p99 and max of durations given in microseconds, shown in milliseconds. */
	void percentiles(String name, List<Long> micros) {
		if (micros.isEmpty()) {
			this.figures.put(name, "none");
			return;
		}
		List<Long> sorted = new ArrayList<>(micros);
		Collections.sort(sorted);
		this.figures.put(name, String.format(Locale.ROOT, "n=%d p50=%d p99=%d max=%d", sorted.size(),
				percentile(sorted, 50) / 1000, percentile(sorted, 99) / 1000, sorted.get(sorted.size() - 1) / 1000));
	}

	void faults(Map<String, Integer> byKind) {
		this.faults.putAll(byKind);
	}

	boolean passed() {
		return this.violations.isEmpty();
	}

	List<String> violations(Check check) {
		return this.violations.getOrDefault(check, List.of());
	}

	Map<String, Integer> faults() {
		return Collections.unmodifiableMap(this.faults);
	}

	String figure(String name) {
		return this.figures.get(name);
	}

	/** The report as plain text: every check with its verdict, then the figures. */
	String render() {
		StringBuilder text = new StringBuilder();
		for (Check check : Check.values()) {
			List<String> found = violations(check);
			text.append(String.format(Locale.ROOT, "%-4s %d. %s%n", found.isEmpty() ? "ok" : "FAIL", check.ordinal() + 1,
					check.description));
			found.stream().limit(SHOWN_PER_CHECK).forEach((v) -> text.append("       ").append(v).append('\n'));
			if (found.size() > SHOWN_PER_CHECK) {
				text.append("       ... and ").append(found.size() - SHOWN_PER_CHECK).append(" more\n");
			}
		}
		text.append("faults: ").append(this.faults).append('\n');
		this.figures.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
		return text.toString();
	}

	private static long percentile(List<Long> sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

	/** The guarantees the checker verifies, in the order of the issue that asked for them. */
	enum Check {

		NOTHING_LOST("nothing lost: every stream finished, LBS empty, nothing pending, final entries committed"),
		EVERY_ENTRY_PROCESSED("every data-stream entry processed at least once"),
		FENCING("fencing: no lower-token write accepted after a higher-token write completed; every token unique"),
		DONE_ONCE("no stream finished twice: handed out again after it was finished"),
		STALLED_TOLD("every consumer that lost a stream and lived on was told"),
		TOLD_TRUTHFULLY("every consumer told it lost a stream had lost it to another consumer");

		final String description;

		Check(String description) {
			this.description = description;
		}

	}

}
