package io.github.redisstreamclient.core.internal;

import java.util.Map;

import io.github.redisstreamclient.core.StreamRef;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * What the parts of one consumer share: its id, the service's keys, the scripts, the registry of owned streams, the
 * notification dispatcher, the meters and the dead-letter stream; and how an owned stream's handle is made.
 */
final class Ownership {

	private final String consumerId;

	private final ServiceKeys keys;

	private final StringRedisTemplate redis;

	private final OwnershipStore store;

	private final LeaseRegistry registry;

	private final NotificationDispatcher dispatcher;

	private final ClientMetrics metrics;

	private final LbsDeadLetters deadLetters;

	private final int maxTakeovers;

	private final Lease.LeaseOwner operations;

	public Ownership(String consumerId, ServiceKeys keys, StringRedisTemplate redis, OwnershipStore store,
			LeaseRegistry registry, NotificationDispatcher dispatcher, ClientMetrics metrics, int maxTakeovers,
			StreamOperations.Announcer announcer) {
		this.consumerId = consumerId;
		this.keys = keys;
		this.redis = redis;
		this.store = store;
		this.registry = registry;
		this.dispatcher = dispatcher;
		this.metrics = metrics;
		this.deadLetters = new LbsDeadLetters(redis, keys, consumerId, metrics);
		this.maxTakeovers = maxTakeovers;
		this.operations = new StreamOperations(this, announcer);
	}

	/** The handle of a stream this consumer now owns with {@code token}. */
	public Lease newLease(StreamRef ref, Map<String, Object> info, long token) {
		return new Lease(ref, info, token, this.consumerId, this.operations);
	}

	public String consumerId() {
		return this.consumerId;
	}

	public ServiceKeys keys() {
		return this.keys;
	}

	public StringRedisTemplate redis() {
		return this.redis;
	}

	public OwnershipStore store() {
		return this.store;
	}

	public LeaseRegistry registry() {
		return this.registry;
	}

	public NotificationDispatcher dispatcher() {
		return this.dispatcher;
	}

	public ClientMetrics metrics() {
		return this.metrics;
	}

	public LbsDeadLetters deadLetters() {
		return this.deadLetters;
	}

	public int maxTakeovers() {
		return this.maxTakeovers;
	}

	/** done(), release(), read(), commit() and checkpoint() of the owned streams. */
	public StreamOperations operations() {
		return (StreamOperations) this.operations;
	}

}
