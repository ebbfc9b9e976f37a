package io.github.redisstreamclient.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The Redis names of one service (DESIGN.md, "Redis layout"). Every key but the LBS itself carries the LBS name as
 * hash tag, so on Redis Cluster they all live in the LBS's slot and one Lua script may touch them together.
 */
public final class ServiceKeys {

	private final String service;

	private final String lbs;

	private final String group;

	private final String sessionPrefix;

	private final String owner;

	private final String fence;

	private final String checkpoint;

	private final String releasedChannel;

	private final String sweep;

	private final String deadLetter;

	public ServiceKeys(String service) {
		if (service == null || service.isBlank()) {
			throw new IllegalArgumentException("serviceName must not be empty");
		}
		this.service = service;
		this.lbs = service + "-input";
		this.group = service + "-group";
		String tag = "{" + this.lbs + "}";
		this.sessionPrefix = tag + ":session:";
		this.owner = tag + ":owner";
		this.fence = tag + ":fence";
		this.checkpoint = tag + ":checkpoint";
		this.releasedChannel = service + "-released";
		this.sweep = tag + ":sweep";
		this.deadLetter = this.lbs + ":dlq";
	}

	public String service() {
		return this.service;
	}

	/** The Load Balancer Stream, {@code <service>-input}. */
	public String lbs() {
		return this.lbs;
	}

	/** The consumer group on the LBS, {@code <service>-group}. */
	public String group() {
		return this.group;
	}

	/** Prefix of the session keys, {@code {<service>-input}:session:}. */
	public String sessionPrefix() {
		return this.sessionPrefix;
	}

	/** A consumer's session key: its liveness, value = its session epoch, TTL = the lease TTL. */
	public String session(String consumerId) {
		return this.sessionPrefix + consumerId;
	}

	/** The consumer of a session key, or {@code null} when the key is not one of this service's sessions. */
	public @Nullable String consumerOfSessionKey(String key) {
		return key.startsWith(this.sessionPrefix) ? key.substring(this.sessionPrefix.length()) : null;
	}

	/** The owner hash: LBS entry id to {@code <consumer>:<fencing token>}, or {@code released:<token>}. */
	public String owner() {
		return this.owner;
	}

	public String fence() {
		return this.fence;
	}

	public String checkpoint() {
		return this.checkpoint;
	}

	/**
	 * Pub/sub channel on which a closing consumer announces itself, a consumer announces the streams it released, and
	 * the consumer whose turn it was to sweep announces the dead consumers it found.
	 */
	public String releasedChannel() {
		return this.releasedChannel;
	}

	/** When the last sweep of the group's consumers started, shared by the service's consumers. */
	public String sweep() {
		return this.sweep;
	}

	/** Stream that receives malformed LBS entries with the reason, {@code <service>-input:dlq}. */
	public String deadLetter() {
		return this.deadLetter;
	}

}
