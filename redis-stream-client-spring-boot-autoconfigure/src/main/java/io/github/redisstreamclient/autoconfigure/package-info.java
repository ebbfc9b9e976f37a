/**
 * Spring Boot auto-configuration of the {@link io.github.redisstreamclient.core.RecoverableStreamClient}: properties
 * under {@code redis-stream-client}, the client bean and its lifecycle, the handler executor, and the failure
 * analysis of invalid properties. Health, endpoint and metrics have packages of their own.
 */
@NullMarked
package io.github.redisstreamclient.autoconfigure;

import org.jspecify.annotations.NullMarked;
