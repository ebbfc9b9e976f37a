package io.github.redisstreamclient.core.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.redisstreamclient.core.RetryPolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.stream.StreamMessageListenerContainer;
import org.springframework.data.redis.stream.StreamMessageListenerContainer.StreamMessageListenerContainerOptions;
import org.springframework.data.redis.stream.Subscription;

/**
 * Reads new LBS entries for this consumer (XREADGROUP {@code >}) with Spring Data Redis's
 * {@link StreamMessageListenerContainer}.
 * <p>
 * Left to its defaults the container cancels a subscription at its first error, and when told not to, polls again
 * at once, in a tight loop for as long as Redis is down. The error predicate here pauses the polling thread with
 * exponential backoff per {@link RetryPolicy} and cancels only when the retries are used up.
 */
public final class LbsReader {

	private static final Logger logger = LoggerFactory.getLogger(LbsReader.class);

	private final RedisConnectionFactory connectionFactory;

	private final ServiceKeys keys;

	private final String consumerId;

	private final int batchSize;

	private final Duration blockTime;

	private final RetryPolicy retryPolicy;

	private final Consumer<MapRecord<String, String, String>> onEntry;

	private final Consumer<Throwable> onNoGroup;

	private final Consumer<String> onTerminated;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private volatile boolean running;

	private @Nullable ExecutorService executor;

	private @Nullable StreamMessageListenerContainer<String, MapRecord<String, String, String>> container;

	private @Nullable Subscription subscription;

	public LbsReader(RedisConnectionFactory connectionFactory, ServiceKeys keys, String consumerId, int batchSize,
			Duration blockTime, RetryPolicy retryPolicy, Consumer<MapRecord<String, String, String>> onEntry,
			Consumer<Throwable> onNoGroup, Consumer<String> onTerminated) {
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.consumerId = consumerId;
		this.batchSize = batchSize;
		this.blockTime = blockTime;
		this.retryPolicy = retryPolicy;
		this.onEntry = onEntry;
		this.onNoGroup = onNoGroup;
		this.onTerminated = onTerminated;
	}

	public void start() {
		this.running = true;
		this.executor = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "rsc-lbs-" + this.consumerId);
			thread.setDaemon(true);
			return thread;
		});
		StreamMessageListenerContainerOptions<String, MapRecord<String, String, String>> options = StreamMessageListenerContainerOptions
			.builder()
			.batchSize(this.batchSize)
			.pollTimeout(this.blockTime)
			.executor(this.executor)
			.errorHandler((error) -> logger.debug("LBS read failed", error))
			.build();
		this.container = StreamMessageListenerContainer.create(this.connectionFactory, options);
		var request = StreamMessageListenerContainer.StreamReadRequest
			.builder(StreamOffset.create(this.keys.lbs(), ReadOffset.lastConsumed()))
			.consumer(org.springframework.data.redis.connection.stream.Consumer.from(this.keys.group(),
					this.consumerId))
			.autoAcknowledge(false)
			.cancelOnError(this::cancelAfterBackoff)
			.build();
		this.subscription = this.container.register(request, (entry) -> {
			redisAnswered();
			this.onEntry.accept(entry);
		});
		this.container.start();
	}

	/** Whether the subscription is polling the LBS. */
	public boolean isActive() {
		Subscription current = this.subscription;
		return this.running && current != null && current.isActive();
	}

	/** Resets the failure count: Redis answered (a delivered batch, or another of the client's calls). */
	public void redisAnswered() {
		this.consecutiveFailures.set(0);
	}

	public void stop() {
		this.running = false;
		if (this.container != null) {
			this.container.stop();
		}
		if (this.executor != null) {
			// Interrupts a backoff pause and a blocked poll.
			this.executor.shutdownNow();
			try {
				this.executor.awaitTermination(this.blockTime.toMillis() + 1000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean cancelAfterBackoff(Throwable error) {
		if (!this.running) {
			return true;
		}
		int failures = this.consecutiveFailures.incrementAndGet();
		if (!this.retryPolicy.allowsRetry(failures)) {
			this.running = false;
			String reason = "LBS read failed " + failures + " time(s) in a row, retries exhausted ("
					+ this.retryPolicy + "): " + error;
			logger.error(reason);
			this.onTerminated.accept(reason);
			return true;
		}
		if (isNoGroup(error)) {
			this.onNoGroup.accept(error);
		}
		Duration delay = this.retryPolicy.delayAfter(failures);
		logger.warn("LBS read failed ({} in a row), retrying in {} ms: {}", failures, delay.toMillis(),
				error.toString());
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
		return !this.running;
	}

	private static boolean isNoGroup(Throwable error) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (t.getMessage() != null && t.getMessage().contains("NOGROUP")) {
				return true;
			}
		}
		return false;
	}

}
