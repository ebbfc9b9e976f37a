package io.github.redisstreamclient.core.internal;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the client loads at runtime that Spring AOT cannot see in its bean definitions: the Lua scripts
 * {@link OwnershipStore} reads from the classpath. Registered in {@code META-INF/spring/aot.factories}, so that every
 * AOT-processed application that has the core on its classpath gets them into its native image.
 * <p>
 * The rest needs no hint of ours: handler methods are found through their annotations ({@code @StreamAdded} and its
 * siblings are {@code @EventListener}s, which Spring registers for invocation; {@code @EventStreamListener} is
 * {@code @Reflective}), and the JSON of LBS entries and events is read and written as trees and maps, not bound to
 * classes. The payload types of {@code @EventStreamListener} methods are registered for binding by its processor.
 */
final class ClientRuntimeHints implements RuntimeHintsRegistrar {

	static final String SCRIPTS = "io/github/redisstreamclient/core/internal/scripts/*.lua";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(SCRIPTS);
	}

}
