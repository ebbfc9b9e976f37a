package io.github.redisstreamclient.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Consumer ids as the Go client makes them: {@code redis-consumer-} followed by the configured id, else
 * {@code POD_NAME}, else {@code POD_IP}, else host name and process id (where the Go client refuses to start).
 * <p>
 * Two running clients of one service must not share an id: they would share one session and one name in the group
 * and take each other's streams. The host-and-pid default therefore gets {@code -2}, {@code -3}, ... for the second
 * and later client of a service in this JVM, and {@link #claim} refuses an id already used by a running client.
 */
final class ConsumerIds {

	static final String PREFIX = "redis-consumer-";

	private ConsumerIds() {
	}

	/** Default ids handed out so far, per service. */
	private static final Map<String, AtomicInteger> DEFAULTS = new ConcurrentHashMap<>();

	/** {@code service + '\n' + id} of every running client in this JVM. */
	private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

	static String resolve(@Nullable String configured, Map<String, String> environment, String service) {
		String id = firstNonBlank(configured, environment.get("POD_NAME"), environment.get("POD_IP"));
		if (id == null) {
			int nth = DEFAULTS.computeIfAbsent(service, (key) -> new AtomicInteger()).incrementAndGet();
			id = hostName() + "-" + ProcessHandle.current().pid() + ((nth > 1) ? "-" + nth : "");
		}
		return id.startsWith(PREFIX) ? id : PREFIX + id;
	}

	/**
	 * Marks {@code id} as used by a running client of {@code service}.
	 * @throws IllegalStateException when another running client of the service in this JVM has it
	 */
	static void claim(String service, String id) {
		if (!RUNNING.add(service + "\n" + id)) {
			throw new IllegalStateException("Consumer id '" + id + "' is already used by a running client of service '"
					+ service + "' in this JVM: two clients with one id would share one session and take each "
					+ "other's streams. Give each client its own consumerId (property redis-stream-client.consumer-id)");
		}
	}

	static void release(String service, String id) {
		RUNNING.remove(service + "\n" + id);
	}

	private static @Nullable String firstNonBlank(@Nullable String... candidates) {
		for (String candidate : candidates) {
			if (candidate != null && !candidate.isBlank()) {
				return candidate.trim();
			}
		}
		return null;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
