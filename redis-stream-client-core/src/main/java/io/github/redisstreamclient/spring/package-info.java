/**
 * Spring integration of the core, without Spring Boot: the client's notifications as Spring
 * {@link org.springframework.context.ApplicationEvent}s, handler annotations ({@link StreamAdded},
 * {@link StreamExpired}, {@link StreamDisowned}, {@link StreamTerminated}) for methods of any bean, and the executor
 * that runs the handlers off the Redis threads, in order per stream.
 */
@NullMarked
package io.github.redisstreamclient.spring;

import org.jspecify.annotations.NullMarked;
