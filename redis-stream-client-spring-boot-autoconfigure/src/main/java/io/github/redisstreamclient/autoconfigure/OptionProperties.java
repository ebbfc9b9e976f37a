package io.github.redisstreamclient.autoconfigure;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.redisstreamclient.core.InvalidOptionException;
import org.jspecify.annotations.Nullable;

/**
 * Which property sets which option of the core's builders. The core checks the options and says what is wrong in the
 * builder's words ({@link InvalidOptionException}); this table turns that into the words of {@code application.yml}.
 * <p>
 * The options of {@code RetryPolicy} are set by two properties groups (the client's {@code retry.*} and the
 * publisher's {@code events.publisher.*}), so they are mapped where the policy is made ({@link #mapping}); every other
 * option has one property, and {@link InvalidOptionFailureAnalyzer} looks it up in {@link #ALL}.
 */
final class OptionProperties {

	private static final String CLIENT = "redis-stream-client.";

	private static final String EVENTS = "redis-stream-client.events.";

	static final Map<String, String> CLIENT_RETRY = Map.of("retryPolicy.maxRetries", CLIENT + "retry.max-retries",
			"retryPolicy.initialDelay", CLIENT + "retry.initial-delay", "retryPolicy.maxDelay",
			CLIENT + "retry.max-delay");

	static final Map<String, String> PUBLISHER_RETRY = Map.of("retryPolicy.maxRetries",
			EVENTS + "publisher.max-retries", "retryPolicy.initialDelay", EVENTS + "publisher.initial-delay",
			"retryPolicy.maxDelay", EVENTS + "publisher.max-delay");

	/** Every option that one property sets, by the option's name. */
	static final Map<String, String> ALL = Map.ofEntries(Map.entry("serviceName", CLIENT + "service-name"),
			Map.entry("consumerId", CLIENT + "consumer-id"), Map.entry("leaseTtl", CLIENT + "lease-ttl"),
			Map.entry("leaseRenewalInterval", CLIENT + "lease-renewal-interval"),
			Map.entry("lbsIdleTime", CLIENT + "lbs.idle-time"),
			Map.entry("lbsRecoveryCount", CLIENT + "lbs.recovery-count"),
			Map.entry("lbsBatchSize", CLIENT + "lbs.batch-size"), Map.entry("lbsBlockTime", CLIENT + "lbs.block-time"),
			Map.entry("maxOwnedStreams", CLIENT + "max-owned-streams"),
			Map.entry("sweepInterval", CLIENT + "sweep-interval"), Map.entry("maxTakeovers", CLIENT + "max-takeovers"),
			Map.entry("rebalanceTolerance", CLIENT + "rebalance.tolerance"), Map.entry("prefix", EVENTS + "prefix"),
			Map.entry("maxLength", EVENTS + "max-length"),
			Map.entry("circuitBreaker.failureRateThreshold", EVENTS + "publisher.failure-rate-threshold"),
			Map.entry("circuitBreaker.minimumNumberOfCalls", EVENTS + "publisher.minimum-number-of-calls"),
			Map.entry("circuitBreaker.slidingWindowSize", EVENTS + "publisher.sliding-window-size"),
			Map.entry("circuitBreaker.waitDurationInOpenState", EVENTS + "publisher.wait-duration-in-open-state"),
			Map.entry("group", EVENTS + "consumer.group"), Map.entry("concurrency", EVENTS + "consumer.concurrency"),
			Map.entry("batchSize", EVENTS + "consumer.batch-size"),
			Map.entry("blockTime", EVENTS + "consumer.block-time"),
			Map.entry("maxDeliveries", EVENTS + "consumer.max-deliveries"),
			Map.entry("retryBackoff.initial", EVENTS + "consumer.retry-initial-delay"),
			Map.entry("retryBackoff.max", EVENTS + "consumer.retry-max-delay"),
			Map.entry("reclaimMinIdle", EVENTS + "reclaim.min-idle"),
			Map.entry("reclaimInterval", EVENTS + "reclaim.interval"),
			Map.entry("backpressure.maxQueueSize", EVENTS + "backpressure.max-queue-size"),
			Map.entry("backpressure.warningThreshold", EVENTS + "backpressure.warning-threshold"));

	private OptionProperties() {
	}

	/** Makes an options value, reporting a rejected option as the property in {@code names} that set it. */
	static <T> T mapping(Map<String, String> names, Supplier<T> creation) {
		try {
			return creation.get();
		}
		catch (InvalidOptionException ex) {
			String property = names.get(ex.option());
			if (property == null) {
				throw ex;
			}
			throw new InvalidRedisStreamClientPropertyException(property, InvalidOptionException.format(ex.value()),
					inPropertyNames(ex.getMessage(), names), "Set " + property + " to e.g. " + ex.example());
		}
	}

	/** The core's message with every option it names written as its property. */
	static String inPropertyNames(String message, Map<String, String> names) {
		Map<String, String> longestFirst = new LinkedHashMap<>();
		names.keySet()
			.stream()
			.sorted(Comparator.comparingInt(String::length).reversed())
			.forEach((option) -> longestFirst.put(option, names.get(option)));
		String result = message;
		for (Map.Entry<String, String> name : longestFirst.entrySet()) {
			result = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name.getKey()) + "(?![\\w])")
				.matcher(result)
				.replaceAll(Matcher.quoteReplacement(name.getValue()));
		}
		return result;
	}

	/** The property that sets {@code option}, or {@code null} when none does or more than one could. */
	static @Nullable String property(String option) {
		return ALL.get(option);
	}

}
