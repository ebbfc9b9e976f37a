/**
 * Implementation of the core: Lua scripts and the Redis calls around them, the LBS reader, the batch lease renewer,
 * expiry detection and notification dispatch. Public only so that the core package can use it; it may change
 * without notice and is not API.
 */
@NullMarked
package io.github.redisstreamclient.core.internal;

import org.jspecify.annotations.NullMarked;
