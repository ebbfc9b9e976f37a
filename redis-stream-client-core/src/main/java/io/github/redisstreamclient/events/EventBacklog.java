package io.github.redisstreamclient.events;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.redisstreamclient.core.internal.GroupInfos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroup;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroups;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The backlog of one consumer group on the streams of its event types, for the {@code events.lag} and
 * {@code events.pending} gauges: {@link #refresh()} runs one {@code XINFO GROUPS} per stream on the consumer's
 * scheduler, and the gauges read what it found, so a scrape costs Redis nothing. NaN until the first refresh, while
 * Redis does not answer, and for the lag on Redis 6.2, whose {@code XINFO GROUPS} has no {@code lag}. Unlike the
 * LBS, event streams keep acknowledged entries, so no {@code XLEN}-based figure can stand in for it.
 */
final class EventBacklog {

	private static final Logger logger = LoggerFactory.getLogger(EventBacklog.class);

	private final StringRedisTemplate redis;

	private final String group;

	private final Map<String, Figures> byType = new LinkedHashMap<>();

	EventBacklog(StringRedisTemplate redis, String group, EventStreams names, List<String> eventTypes) {
		this.redis = redis;
		this.group = group;
		for (String type : eventTypes) {
			this.byType.put(type, new Figures(names.stream(type).getBytes(StandardCharsets.UTF_8)));
		}
	}

	List<String> eventTypes() {
		return List.copyOf(this.byType.keySet());
	}

	double lag(String type) {
		return this.byType.get(type).lag;
	}

	double pending(String type) {
		return this.byType.get(type).pending;
	}

	void refresh() {
		this.byType.forEach((type, figures) -> {
			try {
				XInfoGroups groups = this.redis.execute((RedisCallback<XInfoGroups>) (connection) -> connection
					.streamCommands()
					.xInfoGroups(figures.stream));
				XInfoGroup ours = GroupInfos.find(groups, this.group);
				Long lag = (ours != null) ? GroupInfos.lag(ours) : null;
				figures.lag = (lag != null) ? lag : Double.NaN;
				figures.pending = (ours != null) ? GroupInfos.pending(ours) : Double.NaN;
			}
			catch (RuntimeException ex) {
				logger.debug("Could not read the backlog of group '{}' on '{}': {}", this.group, type, ex.toString());
				figures.lag = Double.NaN;
				figures.pending = Double.NaN;
			}
		});
	}

	/** Forgets the figures, so that a closed consumer's gauges show no stale backlog. */
	void clear() {
		this.byType.values().forEach((figures) -> {
			figures.lag = Double.NaN;
			figures.pending = Double.NaN;
		});
	}

	private static final class Figures {

		private final byte[] stream;

		private volatile double lag = Double.NaN;

		private volatile double pending = Double.NaN;

		private Figures(byte[] stream) {
			this.stream = stream;
		}

	}

}
