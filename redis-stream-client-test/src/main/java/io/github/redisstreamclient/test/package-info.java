/**
 * Real {@code redis-server} processes for integration tests, with the failures worth testing against: crash
 * ({@link io.github.redisstreamclient.test.RedisServer#kill()}), restart with the data that was persisted, stalls
 * ({@link io.github.redisstreamclient.test.RedisServer#suspend()},
 * {@link io.github.redisstreamclient.test.RedisServer#debugSleep(java.time.Duration)}). Use
 * {@link io.github.redisstreamclient.test.RedisServer} directly, or
 * {@link io.github.redisstreamclient.test.RedisTest} for JUnit parameter injection.
 * {@link io.github.redisstreamclient.test.RedisCluster} runs several of them as a Redis Cluster, with a master
 * crash followed by its replica's promotion as the failure to test against.
 * {@link io.github.redisstreamclient.test.FaultProxy} sits between one client and Redis and breaks only that link:
 * a partition, latency, or connections cut with a reset.
 */
package io.github.redisstreamclient.test;
