/**
 * Actuator endpoint {@code redisstreams}, when Spring Boot Actuator is present.
 */
@NullMarked
package io.github.redisstreamclient.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
