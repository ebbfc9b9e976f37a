package io.github.redisstreamclient.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.github.redisstreamclient.chaos.ChaosReport.Check;
import io.github.redisstreamclient.chaos.HistoryEvent.Kind;

/**
 * Reads the history of a run, with what Redis held at the end, and says which guarantee was broken, if any:
 * <ol>
 * <li>nothing lost: every stream finished, the LBS empty, nothing pending, each stream's final entry committed
 * before it was finished;</li>
 * <li>every data-stream entry processed at least once (duplicates are counted, not violations);</li>
 * <li>fencing: no write (commit, done) with a lower token was accepted after it was sent later than a write with a
 * higher token of the same stream completed; and no token was handed out twice;</li>
 * <li>no stream finished twice: handed out again after it was finished;</li>
 * <li>every consumer that lost a stream and lived on was told ({@code STREAM_DISOWNED}, or a rejected write), and
 * none was told so falsely (a rejection with nobody else holding the stream misleads the user);</li>
 * <li>how long streams stayed unowned after their owner died, froze or was partitioned (figures);</li>
 * <li>the consumer names left in the LBS group (a figure).</li>
 * </ol>
 * The checker trusts only what the actors recorded and what Redis holds; it knows nothing of the client's internals.
 */
final class HistoryChecker {

	/** Consumer faults after which a consumer's streams should move to the others. */
	private static final Set<String> TAKES_OUT = Set.of(Fault.KILL.name(), Fault.FREEZE.name(),
			Fault.PARTITION.name());

	private static final Set<Kind> TOLD = EnumSet.of(Kind.DISOWNED, Kind.COMMIT_REJECTED, Kind.DONE_REJECTED);

	private static final Set<Kind> ENDS_HOLD = EnumSet.of(Kind.DONE_OK, Kind.DONE_REJECTED, Kind.COMMIT_REJECTED,
			Kind.DISOWNED, Kind.CANCELLED, Kind.HANDED_OFF);

	private final List<HistoryEvent> events;

	private final EndState end;

	private final Duration grace;

	private final ChaosReport report = new ChaosReport();

	private final Map<String, Incarnation> incarnations = new LinkedHashMap<>();

	private final Map<HoldKey, Hold> holds = new LinkedHashMap<>();

	private final Map<String, List<Hold>> holdsByStream = new HashMap<>();

	/**
	 * @param events the history, in time order
	 * @param end what Redis held after the drain
	 * @param grace how long a consumer that lost a stream may take to notice once it runs and reaches Redis again
	 */
	private HistoryChecker(List<HistoryEvent> events, EndState end, Duration grace) {
		this.events = events;
		this.end = end;
		this.grace = grace;
	}

	static ChaosReport check(List<HistoryEvent> events, EndState end, Duration grace) {
		HistoryChecker checker = new HistoryChecker(events, end, grace);
		checker.index();
		checker.nothingLost();
		checker.everyEntryProcessed();
		checker.fencing();
		checker.doneOnce();
		checker.stalledConsumersTold();
		checker.toldTruthfully();
		checker.unownedTime();
		checker.groupNames();
		checker.countFaults();
		return checker.report;
	}

	private void index() {
		for (HistoryEvent e : this.events) {
			switch (e.kind()) {
				case STARTED -> this.incarnations.put(e.actor(), new Incarnation(e.actor(), e.detail()));
				case ACQUIRED -> {
					Hold hold = new Hold(e.actor(), e.stream(), e.token(), e.micros());
					this.holds.put(hold.key(), hold);
					this.holdsByStream.computeIfAbsent(e.stream(), (s) -> new ArrayList<>()).add(hold);
				}
				case CLOSED -> incarnation(e.actor()).endedAt = Math.min(incarnation(e.actor()).endedAt, e.micros());
				case FAULT_STARTED -> {
					if (this.incarnations.containsKey(e.actor())) {
						Incarnation target = this.incarnations.get(e.actor());
						if (e.id().equals(Fault.KILL.name())) {
							target.endedAt = Math.min(target.endedAt, e.micros());
						}
						else {
							target.impairedFrom.put(e.id(), e.micros());
						}
					}
				}
				case FAULT_ENDED -> {
					Incarnation target = this.incarnations.get(e.actor());
					if (target != null) {
						Long from = target.impairedFrom.remove(e.id());
						if (from != null) {
							target.impaired.add(new long[] { from, e.micros() });
						}
					}
				}
				default -> {
				}
			}
			if (ENDS_HOLD.contains(e.kind())) {
				Hold hold = this.holds.get(new HoldKey(e.actor(), e.stream(), e.token()));
				if (hold != null && hold.endedAt == Long.MAX_VALUE) {
					hold.endedAt = e.micros();
				}
			}
		}
		// A hold ends at the latest when its JVM does.
		for (Hold hold : this.holds.values()) {
			hold.endedAt = Math.min(hold.endedAt, incarnation(hold.actor).endedAt);
		}
	}

	private void nothingLost() {
		if (this.end.lbsLength() != 0) {
			this.report.violation(Check.NOTHING_LOST, "the LBS still has " + this.end.lbsLength() + " entries: "
					+ this.end.lbsEntriesLeft());
		}
		if (this.end.pending() != 0) {
			this.report.violation(Check.NOTHING_LOST, this.end.pending() + " LBS entries are still pending");
		}
		Map<String, String> finalEntry = new HashMap<>();
		Map<String, String> lbsEntry = new LinkedHashMap<>();
		for (HistoryEvent e : this.events) {
			if (e.kind() == Kind.APPENDED && e.detail().equals("last")) {
				finalEntry.put(e.stream(), e.id());
			}
			if (e.kind() == Kind.LBS_ADDED) {
				lbsEntry.put(e.stream(), e.id());
			}
		}
		this.report.figure("streams", lbsEntry.size());
		for (Map.Entry<String, String> stream : lbsEntry.entrySet()) {
			String name = stream.getKey();
			String last = finalEntry.get(name);
			if (last == null) {
				this.report.violation(Check.NOTHING_LOST, name + ": the producer never wrote its final entry");
				continue;
			}
			HistoryEvent finished = first(name, Kind.DONE_OK);
			if (finished == null) {
				// A done whose answer was lost counts if the entry is gone: only done (or a dead letter) removes it.
				finished = first(name, Kind.DONE_FAILED);
				if (finished == null || this.end.lbsEntriesLeft().contains(stream.getValue())) {
					this.report.violation(Check.NOTHING_LOST, name + " was never finished");
					continue;
				}
			}
			long finishedAt = finished.micros();
			boolean committed = this.events.stream()
				.anyMatch((e) -> e.stream().equals(name) && e.id().equals(last) && e.micros() <= finishedAt
						&& (e.kind() == Kind.COMMIT_OK || e.kind() == Kind.CHECKPOINT_AT_END));
			if (!committed) {
				this.report.violation(Check.NOTHING_LOST,
						name + " was finished before its final entry " + last + " was committed");
			}
		}
	}

	private void everyEntryProcessed() {
		Map<String, Integer> processed = new HashMap<>();
		Set<String> appended = new HashSet<>();
		int total = 0;
		for (HistoryEvent e : this.events) {
			if (e.kind() == Kind.APPENDED) {
				appended.add(e.stream() + " " + e.id());
			}
			if (e.kind() == Kind.PROCESSED) {
				processed.merge(e.stream() + " " + e.id(), 1, Integer::sum);
				total++;
			}
		}
		List<String> missing = appended.stream().filter((entry) -> !processed.containsKey(entry)).sorted().toList();
		if (!missing.isEmpty()) {
			this.report.violation(Check.EVERY_ENTRY_PROCESSED, missing.size() + " entries never processed, e.g. "
					+ missing.subList(0, Math.min(5, missing.size())));
		}
		List<String> phantoms = processed.keySet().stream().filter((entry) -> !appended.contains(entry)).sorted().toList();
		if (!phantoms.isEmpty()) {
			this.report.violation(Check.EVERY_ENTRY_PROCESSED, phantoms.size()
					+ " processed entries were never written by the producer, e.g. " + phantoms.subList(0,
							Math.min(5, phantoms.size())));
		}
		this.report.figure("entries", appended.size());
		this.report.figure("processed", total);
		this.report.figure("duplicates", total - processed.size());
	}

	private void fencing() {
		Map<String, List<Write>> writes = new HashMap<>();
		Map<String, HistoryEvent> sent = new HashMap<>();
		Map<String, Long> firstFinish = new HashMap<>();
		int noOps = 0;
		for (HistoryEvent e : this.events) {
			switch (e.kind()) {
				case COMMIT_SENT, DONE_SENT -> sent.put(writeKey(e), e);
				case COMMIT_OK, DONE_OK -> {
					HistoryEvent request = sent.remove(writeKey(e));
					long sentAt = (request != null) ? request.micros() : e.micros();
					Long finishedAt = firstFinish.get(e.stream());
					if (e.kind() == Kind.DONE_OK && finishedAt != null) {
						noOps++; // done() of a finished stream changes nothing
						if (sentAt > finishedAt) {
							continue; // and sent after the finish it is no write at all
						}
					}
					if (e.kind() == Kind.DONE_OK) {
						firstFinish.putIfAbsent(e.stream(), e.micros());
					}
					writes.computeIfAbsent(e.stream(), (s) -> new ArrayList<>())
						.add(new Write(e.actor(), e.kind(), e.token(), e.id(), sentAt, e.micros()));
				}
				case COMMIT_REJECTED, COMMIT_FAILED, DONE_REJECTED, DONE_FAILED -> sent.remove(writeKey(e));
				default -> {
				}
			}
		}
		int accepted = 0;
		for (Map.Entry<String, List<Write>> stream : writes.entrySet()) {
			List<Write> list = stream.getValue();
			accepted += list.size();
			for (Write low : list) {
				for (Write high : list) {
					if (high.token > low.token && low.sentAt > high.completedAt) {
						this.report.violation(Check.FENCING, stream.getKey() + ": " + low + " was accepted though sent "
								+ millis(low.sentAt - high.completedAt) + " after " + high + " completed");
					}
				}
			}
		}
		this.report.figure("fenced writes accepted", accepted);
		this.report.figure("done() calls on a stream already finished (no-ops)", noOps);
		// The fence counter is one per service: a token seen on two holds means it went back (lost writes, a
		// replayed INCR). Comparing tokens by when the holds were reported would not do: each consumer reports on
		// its own notification thread, so a token taken earlier can be reported later.
		Map<Long, Hold> byToken = new HashMap<>();
		for (Hold hold : this.holds.values()) {
			Hold twin = byToken.putIfAbsent(hold.token, hold);
			if (twin != null) {
				this.report.violation(Check.FENCING, "token " + hold.token + " was given twice: to " + twin.actor
						+ " for " + twin.stream + " and to " + hold.actor + " for " + hold.stream);
			}
		}
	}

	/**
	 * A stream finished is never handed out again. (Several done() calls can succeed for one stream: done() of a
	 * finished stream is a no-op, so that a retry after a lost answer cannot fail; only a new hold after the
	 * finish would mean it was finished twice.)
	 */
	private void doneOnce() {
		for (Map.Entry<String, List<Hold>> stream : this.holdsByStream.entrySet()) {
			String name = stream.getKey();
			HistoryEvent done = first(name, Kind.DONE_OK);
			if (done == null) {
				continue;
			}
			for (Hold hold : stream.getValue()) {
				if (hold.token > done.token() && hold.acquiredAt > done.micros()) {
					this.report.violation(Check.DONE_ONCE, name + " was handed to " + hold.actor + " (token "
							+ hold.token + ") after " + done.actor() + " finished it");
				}
			}
		}
	}

	private void stalledConsumersTold() {
		List<Long> toldAfter = new ArrayList<>();
		int lost = 0;
		int finishedBoth = 0;
		for (Map.Entry<String, List<Hold>> stream : this.holdsByStream.entrySet()) {
			List<Hold> list = stream.getValue();
			for (Hold hold : list) {
				Hold taker = list.stream()
					.filter((other) -> !other.actor.equals(hold.actor) && other.token > hold.token
							&& other.acquiredAt >= hold.acquiredAt && other.acquiredAt < hold.endedAt)
					.min(Comparator.comparingLong((Hold other) -> other.acquiredAt))
					.orElse(null);
				if (taker == null) {
					continue;
				}
				lost++;
				HistoryEvent told = this.events.stream()
					.filter((e) -> TOLD.contains(e.kind()) && e.actor().equals(hold.actor)
							&& e.stream().equals(hold.stream) && e.token() == hold.token)
					.findFirst()
					.orElse(null);
				if (told != null) {
					toldAfter.add(Math.max(0, told.micros() - taker.acquiredAt));
					continue;
				}
				// Its done() found the stream finished by the taker: there is nothing left to stop working on, and
				// done() is a no-op then (a done whose answer was lost must be safe to retry).
				boolean finishedAfterTaker = this.events.stream()
					.anyMatch((e) -> e.kind() == Kind.DONE_OK && e.actor().equals(hold.actor)
							&& e.stream().equals(hold.stream) && e.token() == hold.token
							&& e.micros() >= taker.acquiredAt);
				if (finishedAfterTaker) {
					finishedBoth++;
					continue;
				}
				Incarnation owner = incarnation(hold.actor);
				long learnBy = owner.backAt(taker.acquiredAt) + this.grace.toNanos() / 1000;
				if (owner.endedAt > learnBy) {
					this.report.violation(Check.STALLED_TOLD, hold.actor + " lost " + hold.stream + " (token "
							+ hold.token + ") to " + taker.actor + " at " + seconds(taker.acquiredAt)
							+ " and lived until " + seconds(owner.endedAt) + " without being told");
				}
			}
		}
		this.report.figure("holds lost to another consumer", lost);
		this.report.figure("of which the loser's done() found the stream finished by the taker", finishedBoth);
		this.report.percentiles("told after being taken over (ms)", toldAfter);
	}

	/**
	 * For each change of hands of a stream: if the previous owner was killed, frozen or partitioned while it held
	 * the stream, the time from that fault to the new owner's STREAM_ADDED; if it handed the stream off on close, the
	 * time from the handoff. Other changes of hands (Redis restarts, pauses, latency) are counted.
	 */
	private void toldTruthfully() {
		for (HistoryEvent e : this.events) {
			if (!TOLD.contains(e.kind())) {
				continue;
			}
			boolean takenOver = this.holdsByStream.getOrDefault(e.stream(), List.of())
				.stream()
				.anyMatch((other) -> !other.actor.equals(e.actor()) && other.token > e.token());
			if (!takenOver) {
				this.report.violation(Check.TOLD_TRUTHFULLY, e.actor() + " got " + e.kind() + " for " + e.stream()
						+ " (token " + e.token() + ") at " + seconds(e.micros())
						+ ", but no other consumer ever held it with a higher token: " + e.detail());
			}
		}
	}

	private void unownedTime() {
		List<HistoryEvent> faults = this.events.stream()
			.filter((e) -> e.kind() == Kind.FAULT_STARTED && TAKES_OUT.contains(e.id()))
			.toList();
		List<Long> unowned = new ArrayList<>();
		List<Long> handoffs = new ArrayList<>();
		Map<String, Integer> otherCauses = new TreeMap<>();
		for (List<Hold> list : this.holdsByStream.values()) {
			List<Hold> sorted = list.stream().sorted(Comparator.comparingLong((Hold h) -> h.acquiredAt)).toList();
			for (int i = 1; i < sorted.size(); i++) {
				Hold previous = sorted.get(i - 1);
				Hold next = sorted.get(i);
				if (previous.actor.equals(next.actor)) {
					continue;
				}
				HistoryEvent fault = faults.stream()
					.filter((f) -> f.actor().equals(previous.actor) && f.micros() >= previous.acquiredAt
							&& f.micros() <= next.acquiredAt)
					.reduce((a, b) -> b)
					.orElse(null);
				HistoryEvent handoff = this.events.stream()
					.filter((e) -> e.kind() == Kind.HANDED_OFF && e.actor().equals(previous.actor)
							&& e.stream().equals(previous.stream) && e.token() == previous.token)
					.findFirst()
					.orElse(null);
				// Whichever came last: an owner that came back from a partition and then closed handed its streams off.
				if (handoff != null && handoff.micros() <= next.acquiredAt
						&& (fault == null || handoff.micros() > fault.micros())) {
					handoffs.add(next.acquiredAt - handoff.micros());
				}
				else if (fault != null) {
					unowned.add(next.acquiredAt - fault.micros());
				}
				else {
					otherCauses.merge(causeNear(next.acquiredAt), 1, Integer::sum);
				}
			}
		}
		this.report.percentiles("unowned after its owner was killed, frozen or partitioned (ms)", unowned);
		this.report.percentiles("unowned after a graceful handoff (ms)", handoffs);
		otherCauses.forEach((cause, count) -> this.report.figure("changed hands, latest fault " + cause, count));
	}

	/** The most recent fault that started within 10 s before {@code micros}, or {@code none}. */
	private String causeNear(long micros) {
		String cause = "none";
		for (HistoryEvent e : this.events) {
			if (e.micros() > micros) {
				break;
			}
			if (e.kind() == Kind.FAULT_STARTED && micros - e.micros() <= 10_000_000) {
				cause = e.id();
			}
		}
		return cause;
	}

	private void groupNames() {
		Set<String> started = new HashSet<>();
		this.incarnations.values().forEach((i) -> started.add(i.consumerId));
		this.report.figure("consumer ids started", started.size());
		this.report.figure("consumer names left in the LBS group", this.end.groupConsumers().size());
	}

	private void countFaults() {
		Map<String, Integer> faults = new TreeMap<>();
		for (HistoryEvent e : this.events) {
			if (e.kind() == Kind.FAULT_STARTED) {
				faults.merge(e.id(), 1, Integer::sum);
			}
		}
		this.report.faults(faults);
		int disowned = (int) this.events.stream().filter((e) -> e.kind() == Kind.DISOWNED).count();
		this.report.figure("STREAM_DISOWNED notifications", disowned);
	}

	private HistoryEvent first(String stream, Kind kind) {
		return this.events.stream()
			.filter((e) -> e.kind() == kind && e.stream().equals(stream))
			.findFirst()
			.orElse(null);
	}

	private Incarnation incarnation(String actor) {
		return this.incarnations.computeIfAbsent(actor, (a) -> new Incarnation(a, a));
	}

	private static String writeKey(HistoryEvent e) {
		String kind = e.kind().name().startsWith("COMMIT") ? "commit" : "done";
		return e.actor() + " " + kind + " " + e.stream() + " " + e.token() + " " + e.id();
	}

	private static String millis(long micros) {
		return (micros / 1000) + " ms";
	}

	private static String seconds(long micros) {
		return String.format(java.util.Locale.ROOT, "%.3f", micros / 1e6);
	}

	/** What Redis held after the drain. */
	record EndState(long lbsLength, long pending, Set<String> lbsEntriesLeft, List<String> groupConsumers) {

		EndState {
			Objects.requireNonNull(lbsEntriesLeft);
			Objects.requireNonNull(groupConsumers);
		}

	}

	private record HoldKey(String actor, String stream, long token) {
	}

	/** One consumer's hold on one stream under one token, from its STREAM_ADDED until it ended. */
	private static final class Hold {

		final String actor;

		final String stream;

		final long token;

		final long acquiredAt;

		long endedAt = Long.MAX_VALUE;

		Hold(String actor, String stream, long token, long acquiredAt) {
			this.actor = actor;
			this.stream = stream;
			this.token = token;
			this.acquiredAt = acquiredAt;
		}

		HoldKey key() {
			return new HoldKey(this.actor, this.stream, this.token);
		}

	}

	/** One consumer JVM: when it ended and when it was frozen, partitioned or slowed. */
	private static final class Incarnation {

		final String label;

		final String consumerId;

		long endedAt = Long.MAX_VALUE;

		final Map<String, Long> impairedFrom = new HashMap<>();

		final List<long[]> impaired = new ArrayList<>();

		Incarnation(String label, String consumerId) {
			this.label = label;
			this.consumerId = consumerId;
		}

		/** When it could reach Redis again after {@code micros}: the end of an impairment that covers it. */
		long backAt(long micros) {
			long back = micros;
			for (long[] interval : this.impaired) {
				if (interval[0] <= back && back <= interval[1]) {
					back = interval[1];
				}
			}
			for (long from : this.impairedFrom.values()) {
				if (from <= back) {
					back = Long.MAX_VALUE / 2; // still impaired when the history ends
				}
			}
			return back;
		}

	}

	/** An accepted fenced write. */
	private record Write(String actor, Kind kind, long token, String id, long sentAt, long completedAt) {

		@Override
		public String toString() {
			return this.actor + "'s " + (this.kind == Kind.DONE_OK ? "done" : "commit " + this.id) + " with token "
					+ this.token;
		}

	}

}
