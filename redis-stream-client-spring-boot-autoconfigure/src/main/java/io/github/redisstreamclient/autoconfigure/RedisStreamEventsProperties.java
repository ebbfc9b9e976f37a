package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;

import io.github.redisstreamclient.events.BackpressureStrategy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of event streams, under {@code redis-stream-client.events}.
 */
@ConfigurationProperties("redis-stream-client.events")
public class RedisStreamEventsProperties {

	/**
	 * Whether to configure event streams: publisher, admin, dead letters and @EventStreamListener consumers.
	 */
	private boolean enabled = true;

	/**
	 * Prefix of the event streams: events of type "order.created" go to "<prefix>:order.created", dead letters to
	 * "<prefix>:dlq".
	 */
	private String prefix = "events";

	/**
	 * Approximate number of entries each event stream keeps (XADD MAXLEN ~); 0 keeps everything.
	 */
	private long maxLength = 10_000;

	private final Publisher publisher = new Publisher();

	private final Consumer consumer = new Consumer();

	private final Reclaim reclaim = new Reclaim();

	private final Backpressure backpressure = new Backpressure();

	private final Endpoint endpoint = new Endpoint();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPrefix() {
		return this.prefix;
	}

	public void setPrefix(String prefix) {
		this.prefix = prefix;
	}

	public long getMaxLength() {
		return this.maxLength;
	}

	public void setMaxLength(long maxLength) {
		this.maxLength = maxLength;
	}

	public Publisher getPublisher() {
		return this.publisher;
	}

	public Consumer getConsumer() {
		return this.consumer;
	}

	public Reclaim getReclaim() {
		return this.reclaim;
	}

	public Backpressure getBackpressure() {
		return this.backpressure;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	/**
	 * Publishing: retries after connection errors, and the circuit breaker.
	 */
	public static class Publisher {

		/**
		 * Retries of a publish after a connection error: -1 for unlimited, 0 for none.
		 */
		private int maxRetries = 3;

		/**
		 * Pause before the first retry; doubles with each further one.
		 */
		private Duration initialDelay = Duration.ofMillis(100);

		/**
		 * Longest pause between two retries.
		 */
		private Duration maxDelay = Duration.ofSeconds(2);

		/**
		 * Failure rate, in percent, at which the circuit breaker opens and publishing fails fast.
		 */
		private float failureRateThreshold = 50;

		/**
		 * Calls the circuit breaker needs before it computes a failure rate.
		 */
		private int minimumNumberOfCalls = 5;

		/**
		 * Number of recent calls the failure rate is computed over.
		 */
		private int slidingWindowSize = 10;

		/**
		 * How long the circuit breaker stays open before letting trial calls through.
		 */
		private Duration waitDurationInOpenState = Duration.ofSeconds(10);

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public int getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public int getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public Duration getWaitDurationInOpenState() {
			return this.waitDurationInOpenState;
		}

		public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
			this.waitDurationInOpenState = waitDurationInOpenState;
		}

	}

	/**
	 * Defaults of the @EventStreamListener consumers.
	 */
	public static class Consumer {

		/**
		 * Consumer group of listeners that name none. Defaults to spring.application.name.
		 */
		private @Nullable String group;

		/**
		 * Threads per listener method, unless the annotation sets its own.
		 */
		private int concurrency = 1;

		/**
		 * Entries read per poll (XREADGROUP COUNT).
		 */
		private int batchSize = 10;

		/**
		 * How long one poll blocks waiting for entries.
		 */
		private Duration blockTime = Duration.ofSeconds(1);

		/**
		 * Deliveries of an entry whose handler keeps failing before it goes to the dead-letter stream.
		 */
		private int maxDeliveries = 5;

		/**
		 * Pause before a failed entry is delivered again; doubles with each delivery.
		 */
		private Duration retryInitialDelay = Duration.ofMillis(100);

		/**
		 * Longest pause before a failed entry is delivered again.
		 */
		private Duration retryMaxDelay = Duration.ofSeconds(5);

		public @Nullable String getGroup() {
			return this.group;
		}

		public void setGroup(@Nullable String group) {
			this.group = group;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getBlockTime() {
			return this.blockTime;
		}

		public void setBlockTime(Duration blockTime) {
			this.blockTime = blockTime;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public Duration getRetryInitialDelay() {
			return this.retryInitialDelay;
		}

		public void setRetryInitialDelay(Duration retryInitialDelay) {
			this.retryInitialDelay = retryInitialDelay;
		}

		public Duration getRetryMaxDelay() {
			return this.retryMaxDelay;
		}

		public void setRetryMaxDelay(Duration retryMaxDelay) {
			this.retryMaxDelay = retryMaxDelay;
		}

	}

	/**
	 * Reclaim of entries that crashed consumers left pending.
	 */
	public static class Reclaim {

		/**
		 * Idle time after which another consumer's pending entry is taken over.
		 */
		private Duration minIdle = Duration.ofSeconds(30);

		/**
		 * How often each consumer looks for such entries.
		 */
		private Duration interval = Duration.ofSeconds(30);

		public Duration getMinIdle() {
			return this.minIdle;
		}

		public void setMinIdle(Duration minIdle) {
			this.minIdle = minIdle;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Bounded queue between reading and handling, per listener.
	 */
	public static class Backpressure {

		/**
		 * Entries read but not yet handled, per listener.
		 */
		private int maxQueueSize = 1000;

		/**
		 * What to do when the queue is full: block (stop reading; entries wait in Redis), drop-oldest or drop-newest
		 * (dropped entries are counted and acknowledged).
		 */
		private BackpressureStrategy strategy = BackpressureStrategy.BLOCK;

		/**
		 * Fill ratio, between 0 and 1, above which a warning is logged.
		 */
		private double warningThreshold = 0.8;

		public int getMaxQueueSize() {
			return this.maxQueueSize;
		}

		public void setMaxQueueSize(int maxQueueSize) {
			this.maxQueueSize = maxQueueSize;
		}

		public BackpressureStrategy getStrategy() {
			return this.strategy;
		}

		public void setStrategy(BackpressureStrategy strategy) {
			this.strategy = strategy;
		}

		public double getWarningThreshold() {
			return this.warningThreshold;
		}

		public void setWarningThreshold(double warningThreshold) {
			this.warningThreshold = warningThreshold;
		}

	}

	/**
	 * The Actuator endpoint "redisstreamevents".
	 */
	public static class Endpoint {

		/**
		 * Whether the endpoint's write operation may replay dead letters onto their streams; it also needs
		 * management.endpoint.redisstreamevents.access=unrestricted.
		 */
		private boolean replayEnabled;

		public boolean isReplayEnabled() {
			return this.replayEnabled;
		}

		public void setReplayEnabled(boolean replayEnabled) {
			this.replayEnabled = replayEnabled;
		}

	}

}
