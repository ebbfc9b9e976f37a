package io.github.redisstreamclient.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Checks of single property values, failing with an {@link InvalidRedisStreamClientPropertyException} that names the
 * property and a value that works.
 */
final class PropertyChecks {

	private PropertyChecks() {
	}

	static void positive(String property, @Nullable Duration value, String example) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidRedisStreamClientPropertyException(property, (value != null) ? format(value) : "",
					"it must be a positive duration", "Set " + property + " to a positive duration, e.g. " + example);
		}
	}

	static void atLeast(String property, long value, long minimum, String example) {
		if (value < minimum) {
			throw new InvalidRedisStreamClientPropertyException(property, value, "it must be at least " + minimum,
					"Set " + property + " to " + minimum + " or more, e.g. " + example);
		}
	}

	static void between(String property, double value, double low, double high, String example) {
		if (!(value > low && value <= high)) {
			throw new InvalidRedisStreamClientPropertyException(property, value,
					"it must be above " + low + " and at most " + high, "Set " + property + " to e.g. " + example);
		}
	}

	/** A duration as it is written in a properties file: {@code 40s}, {@code 250ms}. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
