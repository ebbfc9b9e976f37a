/**
 * Micrometer {@link io.micrometer.observation.Observation}s of the library, after Spring Kafka's
 * {@code KafkaListenerObservation}: {@link EventStreamObservation#PUBLISH} and {@link EventStreamObservation#PROCESS}
 * around an event's publish and its handler call, and {@link StreamHandlerObservation#HANDLER} around each
 * {@code @StreamAdded}, {@code @StreamExpired}, {@code @StreamDisowned} and {@code @StreamTerminated} handler call.
 * <p>
 * The publish observation is a sender observation whose carrier is the event's metadata, so a tracer writes the W3C
 * {@code traceparent} there; the process observation is a receiver observation reading it back, so that one trace
 * spans producer and consumer. Each observation has a public convention interface and a default implementation that
 * users replace or extend. Nothing here is used, or loaded, unless an {@code ObservationRegistry} is given.
 */
@NullMarked
package io.github.redisstreamclient.observation;

import org.jspecify.annotations.NullMarked;
