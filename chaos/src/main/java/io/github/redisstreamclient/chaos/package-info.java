/**
 * A chaos harness for the stream ownership of {@code redis-stream-client-core}: consumer JVMs process data streams
 * while a {@link io.github.redisstreamclient.chaos.FaultInjector} kills, freezes and partitions them and crashes,
 * pauses and restarts Redis, at random but from a printed seed. Every consumer, the producer and the injector write
 * what they did to one {@link io.github.redisstreamclient.chaos.History}; after the faults stop and the survivors
 * drain, the {@link io.github.redisstreamclient.chaos.HistoryChecker} reads it and says whether the guarantees held:
 * nothing lost, every entry processed, fenced writes, nothing done twice, stalled consumers told.
 * <p>
 * {@link io.github.redisstreamclient.chaos.ChaosRun} is the entry point; {@code docs/RELIABILITY.md} gives the
 * command and the figures of the long soak. Nothing here is API.
 */
@NullMarked
package io.github.redisstreamclient.chaos;

import org.jspecify.annotations.NullMarked;
