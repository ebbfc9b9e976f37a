package io.github.redisstreamclient.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.redisstreamclient.chaos.ChaosReport.Check;
import io.github.redisstreamclient.chaos.HistoryChecker.EndState;
import io.github.redisstreamclient.chaos.HistoryEvent.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker's self-test: a clean hand-made history passes, and each history with one violation fails exactly the
 * check that should catch it. Times are in milliseconds from 0.
 */
class HistoryCheckerTests {

	private static final EndState CLEAN_END = new EndState(0, 0, Set.of(), List.of("redis-consumer-c1"));

	private static final Duration GRACE = Duration.ofSeconds(10);

	@Test
	void cleanHistoryPasses() {
		ChaosReport report = check(cleanHistory(), CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		assertThat(report.figure("duplicates")).isEqualTo("0");
		assertThat(report.figure("streams")).isEqualTo("1");
	}

	@Test
	void streamNeverFinishedIsLost() {
		List<HistoryEvent> history = without(cleanHistory(), Kind.DONE_OK);
		assertOnlyViolated(check(history, new EndState(1, 1, Set.of("100-0"), List.of())), Check.NOTHING_LOST);
	}

	@Test
	void finishingBeforeTheFinalEntryIsCommittedIsLoss() {
		History h = new History();
		h.producer(0, "s1", "100-0").appended(1, "s1", "101-0", false).appended(2, "s1", "102-0", true);
		h.at(10, "c1.1", Kind.STARTED, "-", 0, "-", "c1").acquired(11, "c1.1", "s1", 5);
		h.processed(12, "c1.1", "s1", 5, "101-0").processed(13, "c1.1", "s1", 5, "102-0");
		h.commit(14, "c1.1", "s1", 5, "101-0", Kind.COMMIT_OK).done(15, "c1.1", "s1", 5, Kind.DONE_OK);
		assertOnlyViolated(check(h.events, CLEAN_END), Check.NOTHING_LOST);
	}

	@Test
	void entriesLeftInTheLbsAreLoss() {
		assertOnlyViolated(check(cleanHistory(), new EndState(1, 0, Set.of("999-0"), List.of())), Check.NOTHING_LOST);
	}

	@Test
	void anEntryNeverProcessedIsReported() {
		List<HistoryEvent> history = new ArrayList<>(cleanHistory());
		history.removeIf((e) -> e.kind() == Kind.PROCESSED && e.id().equals("101-0"));
		assertOnlyViolated(check(history, CLEAN_END), Check.EVERY_ENTRY_PROCESSED);
	}

	@Test
	void duplicatesAreCountedNotViolations() {
		List<HistoryEvent> history = new ArrayList<>(cleanHistory());
		history.add(5, new HistoryEvent(12_500, "c1.1", Kind.PROCESSED, "s1", 5, "101-0", "-"));
		ChaosReport report = check(history, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		assertThat(report.figure("duplicates")).isEqualTo("1");
	}

	@Test
	void staleOwnersWriteAcceptedAfterTheNewOwnersWriteIsAFencingViolation() {
		History h = twoOwners();
		// c1.1, frozen with token 5, wakes up and its commit is accepted after c2.1's commit with token 9 completed.
		h.commit(3000, "c1.1", "s1", 5, "101-0", Kind.COMMIT_OK);
		h.at(3100, "c1.1", Kind.DISOWNED, "s1", 5, "-", "lost");
		assertOnlyViolated(check(h.events, CLEAN_END), Check.FENCING);
	}

	@Test
	void staleOwnersWriteRejectedIsFine() {
		History h = twoOwners();
		h.commit(3000, "c1.1", "s1", 5, "101-0", Kind.COMMIT_REJECTED);
		ChaosReport report = check(h.events, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		assertThat(report.figure("holds lost to another consumer")).isEqualTo("1");
	}

	@Test
	void oneTokenForTwoConsumersIsAFencingViolation() {
		History h = new History();
		h.producer(0, "s1", "100-0").appended(1, "s1", "101-0", true);
		h.at(10, "c1.1", Kind.STARTED, "-", 0, "-", "c1").at(10, "c2.1", Kind.STARTED, "-", 0, "-", "c2");
		h.acquired(11, "c1.1", "s1", 5).at(12, "c1.1", Kind.FAULT_STARTED, "-", 0, "KILL", "-");
		h.acquired(1500, "c2.1", "s1", 5).processed(1510, "c2.1", "s1", 5, "101-0");
		h.commit(1520, "c2.1", "s1", 5, "101-0", Kind.COMMIT_OK).done(1530, "c2.1", "s1", 5, Kind.DONE_OK);
		assertOnlyViolated(check(h.events, CLEAN_END), Check.FENCING);
	}

	@Test
	void aDoneOfAStreamAlreadyFinishedIsANoOpNotAViolation() {
		History h = twoOwners();
		h.commit(3000, "c1.1", "s1", 5, "101-0", Kind.COMMIT_REJECTED);
		h.done(3500, "c1.1", "s1", 5, Kind.DONE_OK); // c2.1 had finished it: nothing happened
		ChaosReport report = check(h.events, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		assertThat(report.figure("done() calls on a stream already finished (no-ops)")).isEqualTo("1");
	}

	@Test
	void aStaleDoneAcceptedBeforeTheStreamWasFinishedIsAFencingViolation() {
		History h = twoOwners();
		// c1.1's done, sent after c2.1's commit with token 9 completed but before c2.1 finished, was accepted.
		h.done(1550, "c1.1", "s1", 5, Kind.DONE_OK);
		h.at(3000, "c1.1", Kind.DISOWNED, "s1", 5, "-", "lost");
		assertOnlyViolated(check(h.events, CLEAN_END), Check.FENCING);
	}

	@Test
	void aStreamHandedOutAfterItWasFinishedIsReported() {
		List<HistoryEvent> history = new ArrayList<>(cleanHistory());
		history.add(new HistoryEvent(40_000, "c2.1", Kind.STARTED, "-", 0, "-", "c2"));
		history.add(new HistoryEvent(41_000, "c2.1", Kind.ACQUIRED, "s1", 7, "100-0", "claimed"));
		history.add(new HistoryEvent(41_100, "c2.1", Kind.CANCELLED, "s1", 7, "-", "-"));
		assertOnlyViolated(check(history, CLEAN_END), Check.DONE_ONCE);
	}

	@Test
	void aConsumerThatLostAStreamAndLivedOnUntoldIsReported() {
		History h = twoOwners();
		h.at(30_000, "c1.1", Kind.CLOSED, "-", 0, "-", "-"); // it ran 27 s after its freeze and never heard
		assertOnlyViolated(check(h.events, CLEAN_END), Check.STALLED_TOLD);
	}

	@Test
	void aLoserWhoseDoneFoundTheStreamFinishedByTheTakerNeedsNoTelling() {
		// Seed 5416532560449614681: c16.1 committed the final entry and sent done just before Redis was killed;
		// after the restart another consumer claimed the stream, found the checkpoint at its end and finished it;
		// then c16.1's done (sent again by Lettuce after reconnecting) found it finished.
		History h = twoOwners();
		h.at(2600, "c1.1", Kind.DONE_SENT, "s1", 5, "-", "-").at(2700, "c1.1", Kind.DONE_OK, "s1", 5, "-", "-");
		h.at(30_000, "c1.1", Kind.CLOSED, "-", 0, "-", "-");
		ChaosReport report = check(h.events, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		assertThat(report.figure("of which the loser's done() found the stream finished by the taker")).isEqualTo("1");
	}

	@Test
	void aConsumerKilledBeforeItCouldBeToldIsExcused() {
		History h = twoOwners();
		h.at(3000, "c1.1", Kind.FAULT_STARTED, "-", 0, "KILL", "SIGKILL");
		ChaosReport report = check(h.events, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
	}

	@Test
	void aRejectionWithoutATakeoverIsReported() {
		// A done whose answer was lost, retried and refused: the stream is finished, nobody took it over.
		History h = new History();
		h.producer(0, "s1", "100-0").appended(1, "s1", "101-0", true);
		h.at(10, "c1.1", Kind.STARTED, "-", 0, "-", "c1").acquired(11, "c1.1", "s1", 5);
		h.processed(12, "c1.1", "s1", 5, "101-0").commit(13, "c1.1", "s1", 5, "101-0", Kind.COMMIT_OK);
		h.done(20, "c1.1", "s1", 5, Kind.DONE_FAILED).done(2500, "c1.1", "s1", 5, Kind.DONE_REJECTED);
		assertOnlyViolated(check(h.events, CLEAN_END), Check.TOLD_TRUTHFULLY);
	}

	@Test
	void unownedTimeIsMeasuredFromTheFault() {
		History h = twoOwners();
		h.at(3000, "c1.1", Kind.DISOWNED, "s1", 5, "-", "lost");
		ChaosReport report = check(h.events, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		// Frozen at 100 ms, the other consumer took the stream at 1,300 ms.
		assertThat(report.figure("unowned after its owner was killed, frozen or partitioned (ms)"))
			.isEqualTo("n=1 p50=1200 p99=1200 max=1200");
		assertThat(report.figure("told after being taken over (ms)")).isEqualTo("n=1 p50=1700 p99=1700 max=1700");
	}

	@Test
	void aStreamKeptThroughAPartitionAndThenHandedOffCountsAsAHandoff() {
		History h = new History();
		h.producer(0, "s1", "100-0").appended(1, "s1", "101-0", true);
		h.at(10, "c1.1", Kind.STARTED, "-", 0, "-", "c1").at(10, "c2.1", Kind.STARTED, "-", 0, "-", "c2");
		h.acquired(20, "c1.1", "s1", 5);
		h.at(100, "c1.1", Kind.FAULT_STARTED, "-", 0, "PARTITION", "-").at(2100, "c1.1", Kind.FAULT_ENDED, "-", 0,
				"PARTITION", "healed");
		h.at(3000, "c1.1", Kind.HANDED_OFF, "s1", 5, "100-0", "-").at(3050, "c1.1", Kind.CLOSED, "-", 0, "-", "-");
		h.acquired(3100, "c2.1", "s1", 9).processed(3200, "c2.1", "s1", 9, "101-0");
		h.commit(3300, "c2.1", "s1", 9, "101-0", Kind.COMMIT_OK).done(3400, "c2.1", "s1", 9, Kind.DONE_OK);
		ChaosReport report = check(h.events, CLEAN_END);
		assertThat(report.passed()).as(report.render()).isTrue();
		assertThat(report.figure("unowned after a graceful handoff (ms)")).isEqualTo("n=1 p50=100 p99=100 max=100");
		assertThat(report.figure("unowned after its owner was killed, frozen or partitioned (ms)")).isEqualTo("none");
	}

	/** One stream, written, processed, committed and finished by one consumer. */
	private static List<HistoryEvent> cleanHistory() {
		History h = new History();
		h.producer(0, "s1", "100-0").appended(1, "s1", "101-0", false).appended(2, "s1", "102-0", true);
		h.at(10, "c1.1", Kind.STARTED, "-", 0, "-", "c1").acquired(11, "c1.1", "s1", 5);
		h.processed(12, "c1.1", "s1", 5, "101-0").processed(13, "c1.1", "s1", 5, "102-0");
		h.commit(14, "c1.1", "s1", 5, "102-0", Kind.COMMIT_OK).done(15, "c1.1", "s1", 5, Kind.DONE_OK);
		h.at(20_000, "c1.1", Kind.CLOSED, "-", 0, "-", "-");
		return h.events;
	}

	/**
	 * c1.1 holds s1 with token 5 and is frozen at 100 ms; c2.1 claims it with token 9 at 1,300 ms, processes, commits
	 * and finishes it by 1,700 ms. c1.1 is thawed at 2,500 ms; what it does then is up to each test.
	 */
	private static History twoOwners() {
		History h = new History();
		h.producer(0, "s1", "100-0").appended(1, "s1", "101-0", true);
		h.at(10, "c1.1", Kind.STARTED, "-", 0, "-", "c1").at(10, "c2.1", Kind.STARTED, "-", 0, "-", "c2");
		h.acquired(20, "c1.1", "s1", 5).processed(30, "c1.1", "s1", 5, "101-0");
		h.at(100, "c1.1", Kind.FAULT_STARTED, "-", 0, "FREEZE", "SIGSTOP");
		h.acquired(1300, "c2.1", "s1", 9).processed(1400, "c2.1", "s1", 9, "101-0");
		h.commit(1500, "c2.1", "s1", 9, "101-0", Kind.COMMIT_OK).done(1600, "c2.1", "s1", 9, Kind.DONE_OK);
		h.at(2500, "c1.1", Kind.FAULT_ENDED, "-", 0, "FREEZE", "SIGCONT");
		return h;
	}

	private static ChaosReport check(List<HistoryEvent> events, EndState end) {
		List<HistoryEvent> sorted = new ArrayList<>(events);
		sorted.sort((a, b) -> Long.compare(a.micros(), b.micros()));
		return HistoryChecker.check(sorted, end, GRACE);
	}

	private static void assertOnlyViolated(ChaosReport report, Check expected) {
		assertThat(report.violations(expected)).as(report.render()).isNotEmpty();
		for (Check check : Check.values()) {
			if (check != expected) {
				assertThat(report.violations(check)).as(check + " in\n" + report.render()).isEmpty();
			}
		}
	}

	private static List<HistoryEvent> without(List<HistoryEvent> events, Kind kind) {
		return events.stream().filter((e) -> e.kind() != kind).toList();
	}

	/** Builds histories; every time is in milliseconds. */
	private static final class History {

		final List<HistoryEvent> events = new ArrayList<>();

		History at(long millis, String actor, Kind kind, String stream, long token, String id, String detail) {
			this.events.add(new HistoryEvent(millis * 1000, actor, kind, stream, token, id, detail));
			return this;
		}

		History producer(long millis, String stream, String lbsId) {
			return at(millis, "producer", Kind.LBS_ADDED, stream, 0, lbsId, "-");
		}

		History appended(long millis, String stream, String id, boolean last) {
			return at(millis, "producer", Kind.APPENDED, stream, 0, id, last ? "last" : "-");
		}

		History acquired(long millis, String actor, String stream, long token) {
			return at(millis, actor, Kind.ACQUIRED, stream, token, "100-0", "new");
		}

		History processed(long millis, String actor, String stream, long token, String id) {
			return at(millis, actor, Kind.PROCESSED, stream, token, id, "-");
		}

		History commit(long millis, String actor, String stream, long token, String id, Kind outcome) {
			at(millis, actor, Kind.COMMIT_SENT, stream, token, id, "-");
			return at(millis + 5, actor, outcome, stream, token, id, "-");
		}

		History done(long millis, String actor, String stream, long token, Kind outcome) {
			at(millis, actor, Kind.DONE_SENT, stream, token, "-", "-");
			return at(millis + 5, actor, outcome, stream, token, "-", "-");
		}

	}

}
