package io.github.redisstreamclient.autoconfigure;

/**
 * A {@code redis-stream-client.*} property has a value the client cannot work with. Reported at startup by
 * {@link InvalidRedisStreamClientPropertyFailureAnalyzer} with the property and a valid value.
 */
public class InvalidRedisStreamClientPropertyException extends RuntimeException {

	private final String property;

	private final transient Object value;

	private final String action;

	public InvalidRedisStreamClientPropertyException(String property, Object value, String reason, String action) {
		super("Invalid value '" + value + "' for property '" + property + "': " + reason);
		this.property = property;
		this.value = value;
		this.action = action;
	}

	/** The full property name, e.g. {@code redis-stream-client.lbs.idle-time}. */
	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

	/** What to change, with a valid value. */
	public String getAction() {
		return this.action;
	}

}
