/**
 * Typed events over Redis streams, the Java counterpart of the Python {@code redis_streams} and Rust
 * {@code watchtower-redis} transports: one stream per event type ({@code <prefix>:<type>}), a JSON envelope in the
 * field {@code event}, consumer groups with retries, a dead-letter stream ({@code <prefix>:dlq}) and back-pressure.
 * <p>
 * Publish with {@link EventStreamPublisher}, consume with {@link EventStreamConsumer}, set streams and groups up
 * ahead of time with {@link EventStreamAdmin} and inspect or replay failed events with {@link DeadLetters}.
 * Delivery is at least once: an event may reach a handler twice (after a crash, a lost acknowledgement or a
 * publish retried after a timeout), so handlers should be idempotent, for example keyed by {@link Event#id()}.
 */
@NullMarked
package io.github.redisstreamclient.events;

import org.jspecify.annotations.NullMarked;
