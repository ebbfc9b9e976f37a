package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroup;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroups;

/**
 * Reading a consumer group out of an {@code XINFO GROUPS} reply, for the backlog gauges of the LBS and of event
 * streams. Spring Data Redis 4.1 exposes no {@code lag} (Redis 7.0+), so it is read from the raw reply.
 */
public final class GroupInfos {

	private GroupInfos() {
	}

	/** The group named {@code name}, or {@code null} when the stream has no such group. */
	public static @Nullable XInfoGroup find(@Nullable XInfoGroups groups, String name) {
		if (groups == null) {
			return null;
		}
		for (XInfoGroup group : groups) {
			if (name.equals(group.groupName())) {
				return group;
			}
		}
		return null;
	}

	/**
	 * The entries not yet delivered to the group: Redis's {@code lag}; {@code null} on Redis 6.2, which has none, and
	 * on 7.x when Redis cannot tell (an entry after the group's last-delivered id was deleted).
	 */
	public static @Nullable Long lag(XInfoGroup group) {
		return number(group.getRaw().get("lag"));
	}

	/** The group's pending entries: delivered and not acknowledged. */
	public static long pending(XInfoGroup group) {
		Long pending = group.pendingCount();
		return (pending != null) ? pending : 0;
	}

	static @Nullable Long number(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		String text = (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8)
				: (value != null) ? value.toString() : null;
		if (text == null || text.isEmpty()) {
			return null;
		}
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
