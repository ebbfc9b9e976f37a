/**
 * Micrometer observations of the client's handlers and of event publish and process, when Micrometer's
 * observation API is present and the application has an {@code ObservationRegistry}.
 */
@NullMarked
package io.github.redisstreamclient.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
