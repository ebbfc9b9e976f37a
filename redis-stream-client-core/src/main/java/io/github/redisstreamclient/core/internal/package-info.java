/**
 * Implementation of the core, not API: it may change without notice. {@link ConsumerRuntime} wires one consumer's
 * package-private parts (session renewer, LBS assignments, dead-consumer detector, claims, rebalancer, notification
 * dispatch) behind {@code RecoverableStreamClient}. The few public classes are shared with the {@code core} and
 * {@code events} packages: the LBS message format, entry fields, ACL explanations, the group reader, service keys,
 * the client options.
 */
@NullMarked
package io.github.redisstreamclient.core.internal;

import org.jspecify.annotations.NullMarked;
