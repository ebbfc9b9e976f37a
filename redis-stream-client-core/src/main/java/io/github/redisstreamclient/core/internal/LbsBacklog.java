package io.github.redisstreamclient.core.internal;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroup;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoGroups;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The backlog of the consumer group on the LBS, for the {@code lbs.lag} and {@code lbs.pending} gauges: read with
 * {@code XINFO GROUPS} by {@link #refresh()} on the detector's periodic tick, so that a scrape never costs a Redis
 * round trip. NaN until the first refresh and while Redis does not answer: a stale figure would hide an outage.
 * <p>
 * The lag is Redis's {@code lag} field (7.0+). Redis 6.2 has none, and 7.x leaves it empty once an entry at or
 * after the group's last-delivered id was deleted, which {@code done()} does all the time on the LBS: then it is
 * {@code XLEN - pending}. That is exact for the LBS, whose entries leave it only through done.lua and the
 * dead-letter path, which acknowledge and delete together: what remains is either pending or not yet delivered.
 */
final class LbsBacklog {

	private static final Logger logger = LoggerFactory.getLogger(LbsBacklog.class);

	private final StringRedisTemplate redis;

	private final byte[] lbs;

	private final String group;

	private volatile double lag = Double.NaN;

	private volatile double pending = Double.NaN;

	LbsBacklog(StringRedisTemplate redis, String lbs, String group) {
		this.redis = redis;
		this.lbs = lbs.getBytes(StandardCharsets.UTF_8);
		this.group = group;
	}

	double lag() {
		return this.lag;
	}

	double pending() {
		return this.pending;
	}

	/** Forgets the figures, so that a closed consumer's gauges show no stale backlog. */
	void clear() {
		this.lag = Double.NaN;
		this.pending = Double.NaN;
	}

	/** One {@code XINFO GROUPS}, and an {@code XLEN} when Redis reports no lag. */
	void refresh() {
		try {
			XInfoGroups groups = this.redis.execute(
					(RedisCallback<XInfoGroups>) (connection) -> connection.streamCommands().xInfoGroups(this.lbs));
			XInfoGroup ours = GroupInfos.find(groups, this.group);
			if (ours == null) {
				this.lag = Double.NaN;
				this.pending = Double.NaN;
				return;
			}
			long pendingNow = GroupInfos.pending(ours);
			Long lagNow = GroupInfos.lag(ours);
			if (lagNow == null) {
				Long length = this.redis
					.execute((RedisCallback<Long>) (connection) -> connection.streamCommands().xLen(this.lbs));
				lagNow = (length != null) ? Math.max(0, length - pendingNow) : null;
			}
			this.pending = pendingNow;
			this.lag = (lagNow != null) ? lagNow : Double.NaN;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the backlog of group '{}': {}", this.group, ex.toString());
			this.lag = Double.NaN;
			this.pending = Double.NaN;
		}
	}

}
