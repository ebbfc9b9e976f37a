/**
 * Health indicators {@code redisStreamClient} and {@code redisStreamEvents}, when Spring Boot's health module is present.
 */
@NullMarked
package io.github.redisstreamclient.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
