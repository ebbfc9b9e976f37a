package io.github.redisstreamclient.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * An option of a builder (or of an options record such as {@link RetryPolicy}) has a value the client cannot work
 * with. The one place these are checked is the core; it says which option, the value, why, and a value that works.
 * The Spring Boot starter maps the option to its property ({@code lbsIdleTime} to
 * {@code redis-stream-client.lbs.idle-time}) when it reports a failed startup.
 */
public class InvalidOptionException extends IllegalArgumentException {

	private final String option;

	private final transient @Nullable Object value;

	private final String example;

	/**
	 * @param option the option as the builder names it, e.g. {@code lbsIdleTime} or {@code retryPolicy.maxDelay}
	 * @param value the rejected value
	 * @param message what is wrong, starting with the option's name; durations as {@link #format(Object)} writes them
	 * @param example a value that works, as a property file would hold it: {@code 40s}, {@code 1000}
	 */
	public InvalidOptionException(String option, @Nullable Object value, String message, String example) {
		super(message);
		this.option = option;
		this.value = value;
		this.example = example;
	}

	/** The option as the builder names it, e.g. {@code lbsIdleTime} or {@code retryPolicy.maxDelay}. */
	public String option() {
		return this.option;
	}

	/** The rejected value, or {@code null} when none was set. */
	public @Nullable Object value() {
		return this.value;
	}

	/** A value that works, as a property file would hold it: {@code 40s}, {@code 1000}. */
	public String example() {
		return this.example;
	}

	/** A value as a properties file writes it: durations as {@code 40s} or {@code 250ms}, the rest as is. */
	public static String format(@Nullable Object value) {
		if (value instanceof Duration duration) {
			long millis = duration.toMillis();
			return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
		}
		return String.valueOf(value);
	}

}
