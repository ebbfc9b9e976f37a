package io.github.redisstreamclient.core;

/**
 * How the client learns that a lease expired. The periodic sweep of the LBS pending entries runs in every mode; the
 * mode decides whether keyevent notifications are used on top of it, and whether the client may turn them on.
 */
public enum KeyspaceNotifications {

	/**
	 * Enable {@code notify-keyspace-events Ex} with {@code CONFIG SET} when missing; where {@code CONFIG} is refused
	 * (managed Redis), warn once and rely on the sweep.
	 */
	AUTO,

	/**
	 * Always set {@code notify-keyspace-events} to include {@code Ex}, and fail {@code start()} when that is refused
	 * (the Go client's force override).
	 */
	FORCE,

	/**
	 * Never touch the server configuration and subscribe to nothing: expiry is detected by the sweep alone.
	 */
	OFF

}
