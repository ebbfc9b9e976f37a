/**
 * Recoverable ownership of Redis data streams: the public API of the core.
 * <p>
 * Producers put the names of data streams on a Load Balancer Stream ({@link LoadBalancerStream}); each
 * {@link RecoverableStreamClient} takes some of them, holds a lease per stream and hands them to the others when it
 * dies, stalls or closes. Everything under {@code internal} may change without notice.
 */
@NullMarked
package io.github.redisstreamclient.core;

import org.jspecify.annotations.NullMarked;
