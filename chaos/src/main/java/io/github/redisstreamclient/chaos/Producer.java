package io.github.redisstreamclient.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Supplier;

import io.github.redisstreamclient.chaos.HistoryEvent.Kind;
import io.github.redisstreamclient.core.internal.LbsMessages;

import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Adds data streams to the LBS and appends entries to each over the run, through every fault. Each write carries an
 * id chosen before the first attempt, so a write retried after an unknown outcome (Redis killed before it answered)
 * cannot add an entry twice: the retry is refused as "equal or smaller than the top item", which here means "already
 * there".
 * <p>
 * The streams are announced at even steps over the window but its last stretch (20 s, or 40 % of a shorter
 * window); each gets its entries, the last one marked {@value #LAST_FIELD}, at even steps over 5 s to that stretch
 * after its announcement, so the faults meet work until the end and everything is written before the window ends.
 */
final class Producer implements Runnable {

	/** Field of a data-stream entry: {@code true} on the producer's final entry of that stream. */
	static final String LAST_FIELD = "last";

	private static final Duration RETRY = Duration.ofMillis(100);

	private final Supplier<StringRedisTemplate> redis;

	private final String lbs;

	private final History history;

	private final PriorityQueue<Write> schedule = new PriorityQueue<>();

	private final long startMillis;

	private long lastId;

	private volatile boolean finished;

	private volatile boolean stopped;

	/**
	 * @param redis the template to write with (asked again after each failure, in case the harness replaced it)
	 * @param lbs the LBS key
	 * @param streams how many data streams
	 * @param entries the least and the most entries per stream
	 * @param window by when everything must be written
	 * @param random the run's random source, for reproducible schedules
	 */
	Producer(Supplier<StringRedisTemplate> redis, String lbs, String service, History history, int streams,
			int[] entries, Duration window, Random random) {
		this.redis = redis;
		this.lbs = lbs;
		this.history = history;
		this.startMillis = System.currentTimeMillis();
		// Announcements spread over the whole window but its last stretch, which the last streams' entries need.
		long span = Math.min(window.toMillis() * 4 / 10, 20_000);
		long announcing = window.toMillis() - span;
		for (int i = 0; i < streams; i++) {
			String stream = service + "-data-" + i;
			long addAt = i * announcing / streams;
			this.schedule.add(new Write(addAt, stream, -1, false));
			int count = entries[0] + random.nextInt(entries[1] - entries[0] + 1);
			long streamSpan = Math.min(span, 5_000 + random.nextInt((int) Math.max(1, span - 5_000 + 1)));
			for (int k = 1; k <= count; k++) {
				this.schedule.add(new Write(addAt + streamSpan * k / count, stream, k, k == count));
			}
		}
	}

	@Override
	public void run() {
		try {
			while (!this.stopped && !this.schedule.isEmpty()) {
				Write next = this.schedule.poll();
				long wait = this.startMillis + next.atMillis() - System.currentTimeMillis();
				if (wait > 0) {
					Thread.sleep(wait);
				}
				write(next);
			}
			this.finished = this.schedule.isEmpty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Whether every stream and entry was written. */
	boolean isFinished() {
		return this.finished;
	}

	void stop() {
		this.stopped = true;
	}

	private void write(Write write) throws InterruptedException {
		String id = nextId();
		String key = (write.entry() < 0) ? this.lbs : write.stream();
		Map<String, String> fields = (write.entry() < 0)
				? Map.of(LbsMessages.FIELD, LbsMessages.format(write.stream(), Map.of("producer", "chaos")))
				: Map.of("seq", Integer.toString(write.entry()), LAST_FIELD, Boolean.toString(write.last()));
		while (!this.stopped) {
			try {
				RecordId added = this.redis.get()
					.opsForStream()
					.add(StreamRecords.string(fields).withStreamKey(key).withId(RecordId.of(id)));
				if (added == null) {
					throw new IllegalStateException("XADD answered nothing");
				}
				break;
			}
			catch (RuntimeException ex) {
				if (messages(ex).contains("equal or smaller")) {
					break; // the earlier attempt was written after all
				}
				Thread.sleep(RETRY.toMillis());
			}
		}
		if (write.entry() < 0) {
			this.history.record(HistoryEvent.of("producer", Kind.LBS_ADDED, write.stream(), 0, id, "-"));
		}
		else {
			this.history.record(HistoryEvent.of("producer", Kind.APPENDED, write.stream(), 0, id,
					write.last() ? "last" : "-"));
		}
	}

	/** Ids from the clock, strictly increasing across all streams, so they are above every stream's top item. */
	private String nextId() {
		this.lastId = Math.max(this.lastId + 1, System.currentTimeMillis());
		return this.lastId + "-0";
	}

	private static String messages(Throwable error) {
		List<String> messages = new ArrayList<>();
		for (Throwable t = error; t != null; t = t.getCause()) {
			messages.add(String.valueOf(t.getMessage()));
		}
		return String.join(" / ", messages);
	}

	/** One scheduled write: an LBS entry ({@code entry < 0}) or entry number {@code entry} of a data stream. */
	private record Write(long atMillis, String stream, int entry, boolean last) implements Comparable<Write> {

		@Override
		public int compareTo(Write other) {
			return Long.compare(this.atMillis, other.atMillis);
		}

	}

}
