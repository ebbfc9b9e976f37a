package io.github.redisstreamclient.samples.boot;

import io.github.redisstreamclient.samples.failover.FailoverDemo;

/**
 * The README's first command: three instances of {@link SessionsApplication} share the session streams a producer
 * announces; one is killed with {@code SIGKILL} in the middle of its work and the other two claim its streams about
 * one lease TTL later. Prints a live timeline of who holds what, each instance's {@code /actuator/health} and
 * {@code /actuator/redisstreams} before the kill and at the end, and a tally it checks: exit code 0 when no stream was
 * lost or owned by two instances at once, and Actuator showed what it should.
 * <p>
 * Uses the Redis named by {@code REDIS_HOST}/{@code REDIS_PORT}, else starts a {@code redis-server} of its own.
 */
public final class SpringBootFailoverDemo {

	private SpringBootFailoverDemo() {
	}

	public static void main(String[] args) throws Exception {
		System.exit(new FailoverDemo(new BootInstances()).run());
	}

}
