package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.redisstreamclient.core.RetryPolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;

/**
 * One thread reading new entries for a consumer group: {@code XREADGROUP GROUP <group> <consumer> COUNT <n> BLOCK
 * <block> STREAMS <s1> ... > ...} in a loop, handing each batch to a {@link BatchSink}.
 * <p>
 * Spring Data Redis's {@code StreamMessageListenerContainer} is not used for two reasons measured on the LBS
 * assignment path: it hands records over one at a time, so the work per entry cannot be batched into one script
 * call, and every poll borrows a connection through the template, which for a blocking command means opening a
 * new dedicated connection per poll. This reader keeps one connection for its blocking reads and drops it after an
 * error, since after a Redis restart a fresh connection is the quickest way back.
 * <p>
 * Errors pause the thread with exponential backoff per the {@link RetryPolicy}; when they are used up the reader
 * stops and reports why. {@link #redisAnswered()} resets the count when another of the client's calls got through.
 * A missing ACL permission is not retried at all: it would fail the same way for ever, so the reader stops at once
 * and its reason says what to grant ({@link AclDenials}).
 */
public final class GroupReader {

	private static final Logger logger = LoggerFactory.getLogger(GroupReader.class);

	/**
	 * An entry id above any real one (the highest millisecond time): a history read from it finds nothing and
	 * touches no pending entry. Not the very highest id {@code <max>-<max>}: Redis 7.0 serves that one like
	 * {@code >} and delivers a new entry, which the probe would then leave pending.
	 */
	private static final String MAX_ID = "18446744073709551615-0";

	/** The pause after a read that Redis answered with {@code LOADING} (restarted, reading its data). */
	private static final Duration LOADING_RETRY = Duration.ofMillis(100);

	private final String name;

	private final RedisConnectionFactory connectionFactory;

	private final String group;

	private final String consumer;

	private final StreamOffset<byte[]>[] offsets;

	private final List<String> streams;

	private final Duration blockTime;

	private final RetryPolicy retryPolicy;

	private final ReadCount readCount;

	private final BatchSink sink;

	private final Consumer<RuntimeException> onFailure;

	private final Consumer<String> onGaveUp;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private volatile boolean running;

	private volatile boolean blockedInRead;

	private volatile @Nullable Instant lastRead;

	private @Nullable Thread thread;

	private @Nullable RedisConnection connection;

	/**
	 * @param name the reader thread's name
	 * @param readCount the {@code COUNT} of the next read, asked before each read; it may wait
	 * @param onFailure told of each failed read before the backoff pause (for example to create a lost group)
	 * @param onGaveUp told why, once the retries are used up
	 */
	@SuppressWarnings("unchecked")
	public GroupReader(String name, RedisConnectionFactory connectionFactory, String group, String consumer,
			List<String> streams, Duration blockTime, RetryPolicy retryPolicy, ReadCount readCount, BatchSink sink,
			Consumer<RuntimeException> onFailure, Consumer<String> onGaveUp) {
		this.name = name;
		this.connectionFactory = connectionFactory;
		this.group = group;
		this.consumer = consumer;
		this.streams = List.copyOf(streams);
		this.offsets = streams.stream()
			.map((stream) -> StreamOffset.create(stream.getBytes(StandardCharsets.UTF_8), ReadOffset.lastConsumed()))
			.toArray(StreamOffset[]::new);
		this.blockTime = blockTime;
		this.retryPolicy = retryPolicy;
		this.readCount = readCount;
		this.sink = sink;
		this.onFailure = onFailure;
		this.onGaveUp = onGaveUp;
	}

	public void start() {
		this.running = true;
		Thread reader = new Thread(this::run, this.name);
		reader.setDaemon(true);
		this.thread = reader;
		reader.start();
	}

	/**
	 * Checks, before the thread starts, that the connection's user may read the streams as this consumer: an
	 * {@code XREADGROUP} of the history from an id above every real one, which returns nothing and changes nothing
	 * but creating the consumer in the group, as the first real read would.
	 * @throws org.springframework.dao.PermissionDeniedDataAccessException naming what to grant, when the user may
	 * not
	 */
	@SuppressWarnings("unchecked")
	public void probe() {
		StreamOffset<byte[]>[] afterEverything = this.streams.stream()
			.map((stream) -> StreamOffset.create(stream.getBytes(StandardCharsets.UTF_8), ReadOffset.from(MAX_ID)))
			.toArray(StreamOffset[]::new);
		try (RedisConnection probe = this.connectionFactory.getConnection()) {
			probe.streamCommands()
				.xReadGroup(org.springframework.data.redis.connection.stream.Consumer.from(this.group, this.consumer),
						StreamReadOptions.empty().count(1), afterEverything);
		}
		catch (RuntimeException ex) {
			if (AclDenials.isDenial(ex)) {
				throw AclDenials.translate(ex, doing());
			}
			// Anything else (Redis briefly away) is the reader's to retry.
			logger.debug("{}: permission probe failed", this.name, ex);
		}
	}

	/** Whether the reader thread is still reading. */
	public boolean isRunning() {
		Thread reader = this.thread;
		return this.running && reader != null && reader.isAlive();
	}

	/** When a read last got an answer from Redis (entries or none); {@code null} before the first. */
	public @Nullable Instant lastRead() {
		return this.lastRead;
	}

	/** Reads that failed since the last one that got an answer (or since Redis answered another call). */
	public int failuresInARow() {
		return this.consecutiveFailures.get();
	}

	/** Resets the failure count: Redis answered another of the client's calls. */
	public void redisAnswered() {
		this.consecutiveFailures.set(0);
	}

	/**
	 * Stops reading and waits for the thread. A read blocked in Redis is interrupted rather than waited for (it
	 * would hold a consumer's close() up to the block time); a batch being handed over is let finish, unless it
	 * takes longer than the block time. Called on the reader thread itself (from the sink) it only stops the loop.
	 */
	public void stop() {
		this.running = false;
		Thread reader = this.thread;
		if (reader == null || reader == Thread.currentThread()) {
			return;
		}
		if (this.blockedInRead) {
			reader.interrupt();
		}
		try {
			reader.join(this.blockTime.toMillis() + 1000);
			if (reader.isAlive()) {
				reader.interrupt();
				reader.join(1000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		try {
			while (this.running) {
				int count = this.readCount.next();
				if (count <= 0 || !this.running) {
					return;
				}
				List<Record> batch;
				try {
					batch = read(count);
				}
				catch (RuntimeException ex) {
					this.readCount.unused(count);
					if (!this.running || !backOff(ex)) {
						return;
					}
					continue;
				}
				try {
					if (!this.sink.deliver(batch, count)) {
						return;
					}
					this.consecutiveFailures.set(0);
				}
				catch (RuntimeException ex) {
					// Redis failed while the batch was handled (the sink left its entries pending): same backoff.
					if (!this.running || !backOff(ex)) {
						return;
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			closeConnection();
		}
	}

	private List<Record> read(int count) {
		RedisConnection current = this.connection;
		if (current == null) {
			current = this.connectionFactory.getConnection();
			this.connection = current;
		}
		List<ByteRecord> records;
		this.blockedInRead = true;
		try {
			if (!this.running) {
				return List.of();
			}
			records = current.streamCommands()
				.xReadGroup(org.springframework.data.redis.connection.stream.Consumer.from(this.group, this.consumer),
						StreamReadOptions.empty().count(count).block(this.blockTime), this.offsets);
		}
		finally {
			this.blockedInRead = false;
		}
		this.lastRead = Instant.now();
		if (records == null || records.isEmpty()) {
			return List.of();
		}
		List<Record> batch = new ArrayList<>(records.size());
		for (ByteRecord record : records) {
			batch.add(new Record(new String(record.getStream(), StandardCharsets.UTF_8), record.getId().getValue(),
					EntryFields.of(record.getValue())));
		}
		return batch;
	}

	/** Pauses before the next attempt; {@code false} when the retries are used up or the reader was stopped. */
	private boolean backOff(RuntimeException error) throws InterruptedException {
		closeConnection();
		String denied = AclDenials.explain(error, doing());
		if (denied != null) {
			this.running = false;
			String reason = this.name + ": stopped reading, a missing permission is not retried. " + denied;
			logger.error(reason);
			this.onGaveUp.accept(reason);
			return false;
		}
		int failures = this.consecutiveFailures.incrementAndGet();
		if (!this.retryPolicy.allowsRetry(failures)) {
			this.running = false;
			String reason = this.name + ": reading failed " + failures + " time(s) in a row, retries exhausted ("
					+ this.retryPolicy + "): " + error;
			logger.error(reason);
			this.onGaveUp.accept(reason);
			return false;
		}
		try {
			this.onFailure.accept(error);
		}
		catch (RuntimeException ex) {
			logger.debug("{}: handling a failed read failed", this.name, ex);
		}
		Duration delay = this.retryPolicy.delayAfter(failures);
		if (causedBy(error, "LOADING") && delay.compareTo(LOADING_RETRY) > 0) {
			// A restarted Redis reading its data answers within moments: no point backing off for long.
			delay = LOADING_RETRY;
		}
		logger.warn("{}: reading failed ({} in a row), retrying in {} ms: {}", this.name, failures, delay.toMillis(),
				error.toString());
		long deadline = System.nanoTime() + delay.toNanos();
		// Sliced so that stop() does not wait for a long backoff.
		while (this.running && System.nanoTime() < deadline) {
			Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
		}
		return this.running;
	}

	private void closeConnection() {
		RedisConnection current = this.connection;
		this.connection = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (RuntimeException ex) {
				logger.debug("{}: closing the reader connection failed", this.name, ex);
			}
		}
	}

	private String doing() {
		return "XREADGROUP of " + this.streams + " as consumer '" + this.consumer + "' of group '" + this.group
				+ "', or handling what it read";
	}

	/** Whether the cause chain of {@code error} carries a Redis error code such as {@code NOGROUP}. */
	public static boolean causedBy(Throwable error, String code) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t.getMessage() != null && t.getMessage().contains(code)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * An entry read with {@code >}: new to the group, delivered once. Its fields stay bytes until someone needs
	 * text, so that a malformed entry can be dead-lettered exactly as it was.
	 */
	public record Record(String stream, String id, EntryFields fields) {
	}

	/** How many entries the next read asks for. */
	public interface ReadCount {

		/** The {@code COUNT} of the next read; may wait (for room); 0 stops the reader. */
		int next() throws InterruptedException;

		/** A read asked for {@code count} entries and failed: whatever was set aside for them is free again. */
		default void unused(int count) {
		}

	}

	/** Where the reader puts each batch. */
	@FunctionalInterface
	public interface BatchSink {

		/**
		 * Takes a batch (possibly empty, when the block time passed) read with {@code COUNT requested}.
		 * @return {@code false} to stop reading (the consumer is closing)
		 */
		boolean deliver(List<Record> batch, int requested) throws InterruptedException;

	}

}
