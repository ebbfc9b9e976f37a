package io.github.redisstreamclient.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The consumer's one reader thread: {@code XREADGROUP GROUP <group> <consumer> COUNT <batch> BLOCK <block> STREAMS
 * <s1> <s2> ... > > ...} in a loop, handing each new entry to a {@link Sink}.
 * <p>
 * It keeps one connection for its blocking reads, so that a poll does not open a connection each time, and drops
 * it after an error, since after a Redis restart a fresh connection is the quickest way back. Errors pause the
 * thread with exponential backoff per the connection retry policy; when a read says the group is gone (Redis lost
 * its data), the groups are created again before the next attempt.
 */
final class StreamReader {

	private static final Logger logger = LoggerFactory.getLogger(StreamReader.class);

	private final RedisConnectionFactory connectionFactory;

	private final GroupCommands group;

	private final List<String> streams;

	private final int batchSize;

	private final Duration blockTime;

	private final RetryPolicy retryPolicy;

	private final Sink sink;

	private final Runnable recreateGroups;

	private final Consumer<String> onGaveUp;

	private volatile boolean running;

	private @Nullable Thread thread;

	private @Nullable RedisConnection connection;

	StreamReader(RedisConnectionFactory connectionFactory, GroupCommands group, List<String> streams, int batchSize,
			Duration blockTime, RetryPolicy retryPolicy, Sink sink, Runnable recreateGroups,
			Consumer<String> onGaveUp) {
		this.connectionFactory = connectionFactory;
		this.group = group;
		this.streams = List.copyOf(streams);
		this.batchSize = batchSize;
		this.blockTime = blockTime;
		this.retryPolicy = retryPolicy;
		this.sink = sink;
		this.recreateGroups = recreateGroups;
		this.onGaveUp = onGaveUp;
	}

	void start() {
		this.running = true;
		Thread reader = new Thread(this::run, "rsc-events-reader-" + this.group.consumerName());
		reader.setDaemon(true);
		this.thread = reader;
		reader.start();
	}

	boolean isRunning() {
		Thread reader = this.thread;
		return this.running && reader != null && reader.isAlive();
	}

	/** Stops after the current read, which returns within the block time; interrupts it if it takes longer. */
	void stop() {
		this.running = false;
		Thread reader = this.thread;
		if (reader == null || reader == Thread.currentThread()) {
			return;
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
		int failures = 0;
		try {
			while (this.running) {
				List<Delivery> batch;
				try {
					batch = read();
					failures = 0;
				}
				catch (RuntimeException ex) {
					if (!this.running) {
						return;
					}
					failures++;
					if (!backOff(failures, ex)) {
						return;
					}
					continue;
				}
				for (Delivery delivery : batch) {
					if (!this.sink.deliver(delivery)) {
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

	private List<Delivery> read() {
		RedisConnection current = this.connection;
		if (current == null) {
			current = this.connectionFactory.getConnection();
			this.connection = current;
		}
		@SuppressWarnings("unchecked")
		StreamOffset<byte[]>[] offsets = this.streams.stream()
			.map((stream) -> StreamOffset.create(stream.getBytes(StandardCharsets.UTF_8), ReadOffset.lastConsumed()))
			.toArray(StreamOffset[]::new);
		List<ByteRecord> records = current.streamCommands()
			.xReadGroup(org.springframework.data.redis.connection.stream.Consumer.from(this.group.group(),
					this.group.consumerName()), StreamReadOptions.empty().count(this.batchSize).block(this.blockTime),
					offsets);
		if (records == null || records.isEmpty()) {
			return List.of();
		}
		List<Delivery> batch = new ArrayList<>(records.size());
		for (ByteRecord record : records) {
			Map<String, String> fields = new LinkedHashMap<>();
			record.getValue()
				.forEach((field, value) -> fields.put(new String(field, StandardCharsets.UTF_8),
						new String(value, StandardCharsets.UTF_8)));
			// A new entry read with '>' has been delivered once.
			batch.add(new Delivery(new String(record.getStream(), StandardCharsets.UTF_8), record.getId().getValue(),
					1, fields));
		}
		return batch;
	}

	/** Pauses before the next attempt; {@code false} when the retries are used up or the reader was stopped. */
	private boolean backOff(int failures, RuntimeException error) throws InterruptedException {
		closeConnection();
		if (!this.retryPolicy.allowsRetry(failures)) {
			this.running = false;
			String reason = "Reading events failed " + failures + " time(s) in a row, retries exhausted ("
					+ this.retryPolicy + "): " + error;
			logger.error(reason);
			this.onGaveUp.accept(reason);
			return false;
		}
		if (EventStreamAdmin.causedBy(error, "NOGROUP")) {
			try {
				this.recreateGroups.run();
			}
			catch (RuntimeException ex) {
				logger.debug("Recreating the consumer groups failed", ex);
			}
		}
		Duration delay = this.retryPolicy.delayAfter(failures);
		logger.warn("Consumer {} could not read events ({} failure(s) in a row), retrying in {} ms: {}",
				this.group.consumerName(), failures, delay.toMillis(), error.toString());
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
				logger.debug("Closing the reader connection failed", ex);
			}
		}
	}

	/** Where the reader puts each new entry. */
	@FunctionalInterface
	interface Sink {

		/** @return {@code false} to stop reading (the consumer is closing) */
		boolean deliver(Delivery delivery) throws InterruptedException;

	}

}
