package io.github.redisstreamclient.chaos;

/** The faults the injector picks from; {@link #name()} is what the history records as the fault's id. */
enum Fault {

	/** {@code SIGKILL} a consumer JVM and start a replacement, with the same consumer id or a new one. */
	KILL(true),
	/** {@code SIGSTOP} a consumer JVM for longer than the lease TTL, then {@code SIGCONT}. */
	FREEZE(true),
	/** Close a consumer gracefully (it hands its streams off) and start a replacement. */
	CLOSE(true),
	/** Black-hole the traffic between one consumer and Redis for longer than the lease TTL, sockets kept open. */
	PARTITION(true),
	/** Add latency to one consumer's traffic for a few seconds. */
	LATENCY(true),
	/** Cut one consumer's connections to Redis (RST); it reconnects. */
	CONNECTION_CUT(false),
	/** {@code kill -9} redis-server and restart it on the same port and data (AOF, {@code appendfsync always}). */
	REDIS_RESTART(false),
	/** Redis Cluster: kill the master serving the service; its replica is promoted; the old master rejoins later. */
	MASTER_FAILOVER(false),
	/** {@code CLIENT KILL TYPE pubsub}: every subscription is cut, expiry notifications meanwhile are lost. */
	PUBSUB_KILL(false),
	/** {@code CLIENT PAUSE <ms> WRITE}: Redis holds every write for up to 3 s, longer than a command timeout. */
	CLIENT_PAUSE(false);

	private final boolean impairsConsumer;

	Fault(boolean impairsConsumer) {
		this.impairsConsumer = impairsConsumer;
	}

	/** Whether it takes one consumer out for a while: never more than all but two of them at once. */
	boolean impairsConsumer() {
		return this.impairsConsumer;
	}

}
