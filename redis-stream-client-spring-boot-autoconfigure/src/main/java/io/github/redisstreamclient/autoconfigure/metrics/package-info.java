/**
 * Micrometer meters of the client and its handlers, when Micrometer is present.
 */
@NullMarked
package io.github.redisstreamclient.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
