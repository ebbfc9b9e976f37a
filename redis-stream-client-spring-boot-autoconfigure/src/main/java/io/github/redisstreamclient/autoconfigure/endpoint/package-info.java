/**
 * Actuator endpoints {@code redisstreams} and {@code redisstreamevents}, when Spring Boot Actuator is present.
 */
@NullMarked
package io.github.redisstreamclient.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
