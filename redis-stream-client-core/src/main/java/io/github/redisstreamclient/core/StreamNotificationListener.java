package io.github.redisstreamclient.core;

/**
 * Receives the notifications of a {@link RecoverableStreamClient}, on the client's notification thread, never on a
 * Redis I/O thread, and in order for each stream. A listener that takes long delays the notifications queued behind
 * it: hand long work to an executor of your own.
 */
@FunctionalInterface
public interface StreamNotificationListener {

	/**
	 * Called once per notification. An exception is logged and counted; it does not stop the client.
	 * @param notification what happened
	 */
	void onNotification(StreamNotification notification);

}
