package io.github.redisstreamclient.chaos;

import java.util.Locale;

/**
 * One line of the history: what an actor did or suffered, when (wall clock, microseconds since the epoch, the same
 * clock for every JVM of a run since they share one machine).
 *
 * @param micros when it happened
 * @param actor who: a consumer incarnation such as {@code c2.1} (consumer 2, first JVM), {@code producer}, or for
 * {@link Kind#FAULT_STARTED}/{@link Kind#FAULT_ENDED} the target of the fault ({@code c2.1}, {@code redis})
 * @param kind what
 * @param stream the data stream it concerns, or {@code -}
 * @param token the fencing token of the hold it concerns, or 0
 * @param id an entry id (data stream entry, or LBS entry for {@link Kind#ACQUIRED} and {@link Kind#LBS_ADDED}), the
 * fault name for faults, or {@code -}
 * @param detail free text without tabs, or {@code -}
 */
record HistoryEvent(long micros, String actor, Kind kind, String stream, long token, String id, String detail) {

	static final String NONE = "-";

	HistoryEvent {
		if (actor.isEmpty() || stream.isEmpty() || id.isEmpty() || detail.isEmpty()) {
			throw new IllegalArgumentException("Use '-' for an empty field: " + actor + "/" + stream + "/" + id);
		}
		detail = detail.replace('\t', ' ').replace('\n', ' ');
	}

	static HistoryEvent of(String actor, Kind kind, String stream, long token, String id, String detail) {
		return new HistoryEvent(nowMicros(), actor, kind, stream, token, id, detail);
	}

	static long nowMicros() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
	}

	/** The line written to the history file: tab-separated, in the order of the record's components. */
	String format() {
		return this.micros + "\t" + this.actor + "\t" + this.kind + "\t" + this.stream + "\t" + this.token + "\t"
				+ this.id + "\t" + this.detail;
	}

	static HistoryEvent parse(String line) {
		String[] f = line.split("\t", 7);
		if (f.length != 7) {
			throw new IllegalArgumentException("Not a history line: " + line);
		}
		return new HistoryEvent(Long.parseLong(f[0]), f[1], Kind.valueOf(f[2]), f[3], Long.parseLong(f[4]), f[5],
				f[6]);
	}

	double seconds() {
		return this.micros / 1e6;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%.3f %s %s %s token=%d id=%s %s", seconds(), this.actor, this.kind,
				this.stream, this.token, this.id, this.detail);
	}

	/** What happened. */
	enum Kind {

		/** A consumer JVM started; detail: its consumer id. */
		STARTED,
		/** Its client started and reads the LBS. */
		READY,
		/** It holds a stream: {@code STREAM_ADDED}; id: the LBS entry; detail: {@code new} or {@code claimed}. */
		ACQUIRED,
		/** It processed a data-stream entry (id) under the hold with this token. */
		PROCESSED,
		/** It is about to move the checkpoint to id (a fenced write). */
		COMMIT_SENT,
		/** Redis moved the checkpoint. */
		COMMIT_OK,
		/** Redis refused: not the owner. */
		COMMIT_REJECTED,
		/** The outcome is unknown (timeout, connection lost): Redis may or may not have moved it. */
		COMMIT_FAILED,
		/** It read the checkpoint at the stream's final entry (id) and will finish the stream without a commit. */
		CHECKPOINT_AT_END,
		/** It is about to finish the stream (a fenced write). */
		DONE_SENT,
		/** Redis finished the stream: LBS entry acknowledged and deleted. */
		DONE_OK,
		/** Redis refused: not the owner. */
		DONE_REJECTED,
		/** The outcome is unknown. */
		DONE_FAILED,
		/** The client said {@code STREAM_DISOWNED} for this hold. */
		DISOWNED,
		/** The hold's {@code cancellation()} fired; its worker stopped. */
		CANCELLED,
		/** It hands the stream off: it is closing gracefully. */
		HANDED_OFF,
		/** The client said {@code STREAM_TERMINATED}; detail: the reason. */
		TERMINATED,
		/** The JVM closed its client and exits. */
		CLOSED,
		/** The producer put the stream on the LBS; id: the LBS entry. */
		LBS_ADDED,
		/** The producer appended an entry (id) to the data stream; detail {@code last} for the final one. */
		APPENDED,
		/** A fault began; actor: its target; id: the fault; detail: parameters. */
		FAULT_STARTED,
		/** A fault ended (a frozen JVM continued, a partition healed, Redis answers again...). */
		FAULT_ENDED,
		/** The faults stopped; the survivors drain what is left. */
		DRAIN_STARTED

	}

}
