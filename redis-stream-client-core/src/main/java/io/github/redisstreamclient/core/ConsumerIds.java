package io.github.redisstreamclient.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Consumer ids as the Go client makes them: {@code redis-consumer-} followed by the configured id, else
 * {@code POD_NAME}, else {@code POD_IP}, else host name and process id (where the Go client refuses to start).
 */
final class ConsumerIds {

	static final String PREFIX = "redis-consumer-";

	private ConsumerIds() {
	}

	static String resolve(@Nullable String configured, Map<String, String> environment) {
		String id = firstNonBlank(configured, environment.get("POD_NAME"), environment.get("POD_IP"));
		if (id == null) {
			id = hostName() + "-" + ProcessHandle.current().pid();
		}
		return id.startsWith(PREFIX) ? id : PREFIX + id;
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
